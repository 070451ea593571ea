//! The catalogue of demarche forecasting engines: build any engine by name with its options.
