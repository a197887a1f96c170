//! The map and its rules: the data (lanes, the step columns, picks),
//! validation, money, dates and number formats, and generated maps.
//! Names no other layer.

pub mod dates;
pub mod locale;
pub mod model;
pub mod money;
pub mod synth;
pub mod validate;
