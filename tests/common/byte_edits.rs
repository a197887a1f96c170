//! Byte-level mutations shared by the fuzzers of every door (map JSON,
//! steps CSV, BPMN): set, insert a token of the format, delete, duplicate
//! a run, truncate.

use proptest::prelude::*;
use proptest::sample::Index;

#[derive(Clone, Debug)]
pub enum ByteEdit {
    Set(Index, u8),
    /// Inserts one of the format's tokens.
    Insert(Index, Index),
    Delete(Index, usize),
    Duplicate(Index, usize),
    Truncate(Index),
}

/// Any byte edit; a duplicated run is shorter than `longest_run`.
pub fn byte_edit(longest_run: usize) -> impl Strategy<Value = ByteEdit> {
    prop_oneof![
        (any::<Index>(), any::<u8>()).prop_map(|(at, b)| ByteEdit::Set(at, b)),
        (any::<Index>(), any::<Index>()).prop_map(|(at, token)| ByteEdit::Insert(at, token)),
        (any::<Index>(), 1usize..64).prop_map(|(at, n)| ByteEdit::Delete(at, n)),
        (any::<Index>(), 1usize..longest_run).prop_map(|(at, n)| ByteEdit::Duplicate(at, n)),
        any::<Index>().prop_map(ByteEdit::Truncate),
    ]
}

/// Applies `edit` to `bytes`; an insert takes one of `tokens`.
pub fn apply_byte_edit(bytes: &mut Vec<u8>, edit: &ByteEdit, tokens: &[&str]) {
    let len = bytes.len();
    let at = |i: &Index| if len == 0 { 0 } else { i.index(len) };
    match edit {
        ByteEdit::Set(i, b) if len > 0 => {
            let i = at(i);
            bytes[i] = *b;
        }
        ByteEdit::Set(..) => {}
        ByteEdit::Insert(i, token) => {
            let i = at(i);
            let token = tokens[token.index(tokens.len())].as_bytes();
            bytes.splice(i..i, token.iter().copied());
        }
        ByteEdit::Delete(i, n) => {
            let i = at(i);
            bytes.drain(i..(i + n).min(len));
        }
        ByteEdit::Duplicate(i, n) => {
            let i = at(i);
            let copy = bytes[i..(i + n).min(len)].to_vec();
            bytes.splice(i..i, copy);
        }
        ByteEdit::Truncate(i) => bytes.truncate(at(i)),
    }
}
