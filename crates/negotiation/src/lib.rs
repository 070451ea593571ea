//! Outcome spaces, bargaining analytics, negotiation protocols, strategies and tournaments.
