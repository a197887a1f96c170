//! A fresh database starts with the bundled sample maps.

use crate::formats::mapfile::InputError;
use crate::formats::samples::sample_maps;
use crate::store::{Store, StoreError};

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
