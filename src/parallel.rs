//! Work spread over the machine's cores by rayon's pool: its threads start
//! once and live for the whole run (each phase spawning its own threads
//! cost measurably more), and an idle thread takes the next file, since
//! files differ a lot in size. Results come back in the items' order.

use rayon::prelude::*;

/// Maps `f` over `items` (a slice or vector, borrowed or owned) on all
/// cores, keeping the order.
pub fn map<I, R>(items: I, f: impl Fn(I::Item) -> R + Sync + Send) -> Vec<R>
where
    I: IntoParallelIterator,
    I::Iter: IndexedParallelIterator,
    R: Send,
{
    items.into_par_iter().with_max_len(1).map(f).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order() {
        let items: Vec<u64> = (0..1000).collect();
        let squares = super::map(&items, |n| n * n);
        assert_eq!(super::map(items.clone(), |n| n + 1)[999], 1000);
        assert_eq!(squares, items.iter().map(|n| n * n).collect::<Vec<_>>());
        assert!(super::map(&[] as &[u8], |n| *n).is_empty());
    }
}
