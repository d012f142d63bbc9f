//! Arbitrary sequences of LSP content changes on a document of any kind, parsed and analysed in between.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| onus_analysis::fuzzing::edit_sequence(data));
