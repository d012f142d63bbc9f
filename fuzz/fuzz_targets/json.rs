//! Arbitrary bytes through the json front end, the model, every rule, and every fix offered.
#![no_main]

use libfuzzer_sys::fuzz_target;
use onus_analysis::fuzzing::{analyse_bytes, Front};

fuzz_target!(|data: &[u8]| analyse_bytes(Front::Json, data));
