//! The sample maps shipped with the app, built into the binary so the first
//! run shows something useful wherever the binary is started from.

use crate::mapfile::{InputError, parse_map};
use crate::model::Map;
use crate::store::{Store, StoreError};

/// File name and contents of each sample map.
pub const SAMPLES: &[(&str, &str)] = &[
    (
        "accounts-payable.json",
        include_str!("../sample_maps/accounts-payable.json"),
    ),
    (
        "customer-onboarding.json",
        include_str!("../sample_maps/customer-onboarding.json"),
    ),
    ("claims-intake.json", include_str!("../sample_maps/claims-intake.json")),
    (
        "it-access-requests.json",
        include_str!("../sample_maps/it-access-requests.json"),
    ),
];

/// Parses every sample map.
pub fn sample_maps() -> Result<Vec<Map>, InputError> {
    SAMPLES
        .iter()
        .map(|(name, json)| parse_map(json.as_bytes(), name))
        .collect()
}

/// Loads the samples into a database that holds no maps yet. Returns how
/// many were added (none when the database already had maps).
pub fn seed_if_empty(store: &mut Store) -> Result<usize, SeedError> {
    if !store.is_empty()? {
        return Ok(0);
    }
    let maps = sample_maps()?;
    for map in &maps {
        store.create(map)?;
    }
    Ok(maps.len())
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("a built-in sample map is invalid: {0}")]
    Sample(#[from] InputError),
    #[error(transparent)]
    Store(#[from] StoreError),
}
