//! Bueno de Mesquita's expected-utility model as reconstructed by Scholz, Calbert and Smith (2011).
