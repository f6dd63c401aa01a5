//! [`Limits`]: the budgets of one client, by table and by secondary index, and which budget
//! pays for what.
//!
//! A budget pays for what DynamoDB meters against its table or index: reads of a table, writes
//! to it, and what its indexes consume unless an index has a budget of its own. So a query of an
//! index draws from the index's read budget when it has one, else from its table's; the write
//! units an index consumes because of a write to its table are charged to the index's write
//! budget when it has one, else to the table's.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use super::bucket::{Bucket, BudgetState};
use super::Budget;

/// Reads or writes: which of a target's two budgets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Read,
    Write,
}

/// A table, or one secondary index of it: what a budget is set on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    /// The table, as DynamoDB names it (the client's table prefix included).
    pub table: String,
    /// The secondary index; `None` for the table itself.
    pub index: Option<String>,
}

/// A table's or an index's two budgets, either of which may be unlimited.
#[derive(Debug, Clone, Default)]
struct Pair {
    read: Option<Arc<Bucket>>,
    write: Option<Arc<Bucket>>,
}

impl Pair {
    fn get(&self, direction: Direction) -> Option<&Arc<Bucket>> {
        match direction {
            Direction::Read => self.read.as_ref(),
            Direction::Write => self.write.as_ref(),
        }
    }
}

/// A table's budgets and its indexes'.
#[derive(Debug, Clone, Default)]
struct TableBudgets {
    own: Pair,
    indexes: HashMap<String, Pair>,
}

/// The budgets of one client: every call through it draws from them.
#[derive(Debug, Default)]
pub struct Limits {
    tables: RwLock<HashMap<String, TableBudgets>>,
}

/// What a target's budgets hold now: `(read, write)`, `None` where unlimited.
pub type TargetState = (Option<BudgetState>, Option<BudgetState>);

impl Limits {
    /// Set `target`'s read and write budgets (`None`: unlimited), replacing any it had, with
    /// fresh, empty buckets.
    pub fn set(&self, target: Target, read: Option<Budget>, write: Option<Budget>) {
        let pair = Pair {
            read: read.map(|budget| Arc::new(Bucket::new(budget))),
            write: write.map(|budget| Arc::new(Bucket::new(budget))),
        };
        let mut tables = self.tables.write().unwrap_or_else(PoisonError::into_inner);
        let budgets = tables.entry(target.table).or_default();
        match target.index {
            None => budgets.own = pair,
            Some(index) => {
                budgets.indexes.insert(index, pair);
            }
        }
    }

    /// What `target`'s budgets hold now, if it has any set.
    pub fn state(&self, target: &Target) -> Option<TargetState> {
        let tables = self.tables.read().unwrap_or_else(PoisonError::into_inner);
        let budgets = tables.get(&target.table)?;
        let pair = match &target.index {
            None => &budgets.own,
            Some(index) => budgets.indexes.get(index)?,
        };
        if pair.read.is_none() && pair.write.is_none() {
            return None;
        }
        let snapshot = |bucket: &Option<Arc<Bucket>>| bucket.as_ref().map(|b| b.snapshot());
        Some((snapshot(&pair.read), snapshot(&pair.write)))
    }

    /// Whether any budget is set: what decides if a call whose tables are known only from its
    /// answer needs settling at all.
    pub(crate) fn any(&self) -> bool {
        !self
            .tables
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .is_empty()
    }

    fn with_table<T>(&self, table: &str, found: impl FnOnce(&TableBudgets) -> T) -> Option<T> {
        let tables = self.tables.read().unwrap_or_else(PoisonError::into_inner);
        tables.get(table).map(found)
    }

    /// The budget that pays for `direction` units consumed by `table`, or by its `index`:
    /// the index's own when it has one, else the table's.
    pub(crate) fn payer(
        &self,
        table: &str,
        index: Option<&str>,
        direction: Direction,
    ) -> Option<Arc<Bucket>> {
        self.with_table(table, |budgets| {
            index
                .and_then(|index| budgets.indexes.get(index))
                .and_then(|pair| pair.get(direction))
                .or_else(|| budgets.own.get(direction))
                .cloned()
        })
        .flatten()
    }

    /// The write budgets a write to `table` must wait for: the table's (or whichever pays for
    /// the table's own units), and each index's own, whose debt a write may add to.
    pub(crate) fn write_budgets(&self, table: &str) -> (Option<Arc<Bucket>>, Vec<Arc<Bucket>>) {
        self.with_table(table, |budgets| {
            let indexes = budgets
                .indexes
                .values()
                .filter_map(|pair| pair.write.clone())
                .collect();
            (budgets.own.write.clone(), indexes)
        })
        .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(table: &str, index: Option<&str>) -> Target {
        Target {
            table: table.into(),
            index: index.map(Into::into),
        }
    }

    fn fixed(rate: f64) -> Option<Budget> {
        Some(Budget::Fixed(rate))
    }

    #[test]
    fn an_index_without_a_budget_of_its_own_is_paid_for_by_its_table() {
        let limits = Limits::default();
        limits.set(target("orders", None), fixed(400.0), fixed(200.0));
        limits.set(target("orders", Some("by-status")), fixed(50.0), None);
        let rate = |bucket: Option<Arc<Bucket>>| bucket.map(|b| b.snapshot().rate);
        let read = Direction::Read;
        assert_eq!(rate(limits.payer("orders", None, read)), Some(400.0));
        assert_eq!(
            rate(limits.payer("orders", Some("by-status"), read)),
            Some(50.0)
        );
        assert_eq!(
            rate(limits.payer("orders", Some("by-lsi"), read)),
            Some(400.0)
        );
        let write = Direction::Write;
        assert_eq!(
            rate(limits.payer("orders", Some("by-status"), write)),
            Some(200.0)
        );
        assert_eq!(rate(limits.payer("customers", None, read)), None);
    }

    #[test]
    fn a_write_waits_for_its_table_and_for_the_indexes_with_write_budgets() {
        let limits = Limits::default();
        limits.set(target("orders", Some("by-status")), None, fixed(30.0));
        limits.set(target("orders", Some("by-day")), fixed(30.0), None);
        let (own, indexes) = limits.write_budgets("orders");
        assert!(own.is_none());
        assert_eq!(indexes.len(), 1);
        assert!(limits.state(&target("orders", None)).is_none());
        let (read, write) = limits
            .state(&target("orders", Some("by-status")))
            .expect("set");
        assert!(read.is_none() && write.is_some_and(|w| w.rate == 30.0));
    }
}
