//! A fast hasher for the analysis's own hash tables (FxHash's mixing): keys are identities and names from the
//! user's files, not attacker-chosen in a way that matters here, and SipHash's cost showed in keystroke
//! profiles (every block of an edited module is indexed at each analysis).

use std::hash::{BuildHasherDefault, Hasher};

#[derive(Default)]
pub struct FastHasher(u64);

const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in words.by_ref() {
            self.write_u64(u64::from_le_bytes(w.try_into().expect("8 bytes")));
        }
        for &b in words.remainder() {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(K);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub type BuildFastHasher = BuildHasherDefault<FastHasher>;

/// FNV-1a, 64 bits, of `bytes`: unlike the hashers above, stable across builds and platforms, for what outlives
/// the binary (a baseline file, the name of the cached rule pages' folder).
pub fn fnv1a(bytes: impl IntoIterator<Item = u8>) -> u64 {
    bytes.into_iter().fold(0xcbf29ce484222325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100000001b3))
}
pub type FastMap<K, V> = std::collections::HashMap<K, V, BuildFastHasher>;
pub type FastSet<K> = std::collections::HashSet<K, BuildFastHasher>;
