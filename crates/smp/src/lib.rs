//! KTAB's Spatial Model of Politics, reimplemented.
