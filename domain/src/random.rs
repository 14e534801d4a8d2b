//! Randomness for ids, tokens and order numbers, from the operating system.

/// `N` random bytes. The operating system's generator does not fail on the platforms we run
/// on; if it ever did, nothing safe could be issued, so this stops loudly.
pub fn bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).expect("the operating system provides randomness");
    bytes
}
