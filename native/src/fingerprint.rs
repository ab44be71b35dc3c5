//! 64-bit SimHash over character shingles (newsmon/text/fingerprint.py documents the scheme).
//! Each shingle's hash packs up to three 21-bit code points per step and mixes with MurmurHash3's
//! finalizer, so a fingerprint is the same in every process and on every platform.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

const CODE_BITS: u32 = 21;

fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    x ^= x >> 33;
    x = x.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    x ^= x >> 33;
    x
}

#[pyclass(frozen, module = "newsmon._native")]
pub struct SimHasher {
    /// By code point: 1 for the characters that count (Python's str.isalnum).
    word: Vec<u8>,
}

#[pymethods]
impl SimHasher {
    #[new]
    fn new(word_characters: &[u8]) -> Self {
        SimHasher { word: word_characters.to_vec() }
    }

    /// The fingerprint of a text given as UTF-32-LE (lone surrogates included), over its
    /// distinct `shingle`-character shingles of word characters; 0 for none.
    fn simhash(&self, utf32: &[u8], shingle: usize) -> PyResult<u64> {
        if utf32.len() % 4 != 0 || shingle == 0 {
            return Err(PyValueError::new_err("expected UTF-32-LE text and a shingle of 1 or more"));
        }
        let codes: Vec<u64> = utf32
            .chunks_exact(4)
            .map(|unit| u32::from_le_bytes([unit[0], unit[1], unit[2], unit[3]]))
            .filter(|&code| self.word.get(code as usize).is_some_and(|&w| w != 0))
            .map(u64::from)
            .collect();
        if codes.is_empty() {
            return Ok(0);
        }
        let shingle = shingle.min(codes.len());
        let mut hashes: Vec<u64> = codes
            .windows(shingle)
            .map(|window| {
                let mut hash = 0u64;
                for step in window.chunks(3) {
                    let packed = step.iter().fold(0u64, |packed, &code| (packed << CODE_BITS) | code);
                    hash = mix(hash ^ packed);
                }
                hash
            })
            .collect();
        hashes.sort_unstable();
        hashes.dedup();
        // Per byte of the hashes a histogram of its values, then per bit the values that set it:
        // 8 increments a hash instead of 64.
        let mut histogram = [[0usize; 256]; 8];
        for hash in &hashes {
            for (byte, bins) in hash.to_le_bytes().iter().zip(histogram.iter_mut()) {
                bins[*byte as usize] += 1;
            }
        }
        let mut counts = [0usize; 64];
        for (index, bins) in histogram.iter().enumerate() {
            for (value, &count) in bins.iter().enumerate() {
                if count > 0 {
                    for bit in 0..8 {
                        if value >> bit & 1 == 1 {
                            counts[index * 8 + bit] += count;
                        }
                    }
                }
            }
        }
        // A fingerprint bit is set where most distinct shingles have it set.
        Ok(counts.iter().enumerate().filter(|&(_, &count)| count * 2 > hashes.len()).fold(0, |f, (bit, _)| f | (1 << bit)))
    }
}
