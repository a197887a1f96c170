//! The sample maps shipped with the app, built into the binary so the first
//! run shows something useful wherever the binary is started from.

use crate::domain::model::Map;
use crate::formats::mapfile::{InputError, parse_map};

/// File name and contents of each sample map.
pub const SAMPLES: &[(&str, &str)] = &[
    (
        "accounts-payable.json",
        include_str!("../../sample_maps/accounts-payable.json"),
    ),
    (
        "customer-onboarding.json",
        include_str!("../../sample_maps/customer-onboarding.json"),
    ),
    (
        "claims-intake.json",
        include_str!("../../sample_maps/claims-intake.json"),
    ),
    (
        "it-access-requests.json",
        include_str!("../../sample_maps/it-access-requests.json"),
    ),
];

/// Parses every sample map.
pub fn sample_maps() -> Result<Vec<Map>, InputError> {
    SAMPLES
        .iter()
        .map(|(name, json)| parse_map(json.as_bytes(), name))
        .collect()
}
