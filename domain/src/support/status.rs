//! The ticket status machine: New → Open → Pending (waiting on the customer) → Solved →
//! Closed, with the moves back a help desk needs. Closed is final: a customer who writes
//! again starts a new ticket linked to it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TicketStatus {
    /// Nobody on the desk has answered yet.
    New,
    /// The desk is working on it.
    Open,
    /// The desk has answered and waits on the customer; the SLA clock stops.
    Pending,
    /// Answered to the customer's satisfaction (or the agent's); a reply reopens it.
    Solved,
    /// Final: nothing moves it.
    Closed,
}

/// Who asks for a status move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketMover {
    /// The ticket's own customer.
    Customer,
    /// A support agent or an admin.
    Agent,
    /// The desk's own workers (closing solved tickets after a while).
    System,
}

impl TicketStatus {
    pub const ALL: [TicketStatus; 5] = [
        TicketStatus::New,
        TicketStatus::Open,
        TicketStatus::Pending,
        TicketStatus::Solved,
        TicketStatus::Closed,
    ];

    /// The statuses the desk works on: they are in the queue and their SLA clock runs.
    pub const ACTIVE: [TicketStatus; 2] = [TicketStatus::New, TicketStatus::Open];

    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::New => "new",
            TicketStatus::Open => "open",
            TicketStatus::Pending => "pending",
            TicketStatus::Solved => "solved",
            TicketStatus::Closed => "closed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TicketStatus::New => "New",
            TicketStatus::Open => "Open",
            TicketStatus::Pending => "Waiting on you",
            TicketStatus::Solved => "Solved",
            TicketStatus::Closed => "Closed",
        }
    }

    /// The label agents see: "pending" means waiting on the customer.
    pub fn desk_label(self) -> &'static str {
        match self {
            TicketStatus::Pending => "Pending",
            other => other.label(),
        }
    }

    pub fn parse(text: &str) -> Result<Self, crate::FieldError> {
        TicketStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == text.trim())
            .ok_or_else(|| {
                crate::FieldError::new("status", "must be new, open, pending, solved or closed")
            })
    }

    /// The statuses a ticket may move to from this one.
    pub fn next(self) -> &'static [TicketStatus] {
        use TicketStatus::*;
        match self {
            New => &[Open, Pending, Solved],
            Open => &[Pending, Solved],
            Pending => &[Open, Solved],
            Solved => &[Open, Closed],
            Closed => &[],
        }
    }

    pub fn can_become(self, to: TicketStatus) -> bool {
        self.next().contains(&to)
    }

    /// Whether `by` may move a ticket in this status to `to`. Agents make every move the
    /// machine allows; a customer may mark their ticket solved (a reply reopening it is
    /// [`TicketStatus::after_customer_reply`]); the system only closes solved tickets.
    pub fn allows(self, to: TicketStatus, by: TicketMover) -> bool {
        self.can_become(to)
            && match by {
                TicketMover::Agent => true,
                TicketMover::Customer => to == TicketStatus::Solved,
                TicketMover::System => to == TicketStatus::Closed,
            }
    }

    /// The status after the customer writes again: a ticket waiting on them or solved is
    /// open again; new and open ones stay as they are. `None` for a closed ticket: the
    /// reply starts a new ticket linked to this one.
    pub fn after_customer_reply(self) -> Option<TicketStatus> {
        match self {
            TicketStatus::New | TicketStatus::Open => Some(self),
            TicketStatus::Pending | TicketStatus::Solved => Some(TicketStatus::Open),
            TicketStatus::Closed => None,
        }
    }

    /// The status after an agent's public reply when the agent picks none: a new ticket
    /// becomes open (it has been answered); the others keep theirs. `None` for a closed one.
    pub fn after_agent_reply(self) -> Option<TicketStatus> {
        match self {
            TicketStatus::New => Some(TicketStatus::Open),
            TicketStatus::Closed => None,
            other => Some(other),
        }
    }

    /// Whether the desk is working on it (in the queue, SLA clock running).
    pub fn is_active(self) -> bool {
        Self::ACTIVE.contains(&self)
    }

    /// Whether the customer may rate the help: once it is solved (or closed after that).
    pub fn can_be_rated(self) -> bool {
        matches!(self, TicketStatus::Solved | TicketStatus::Closed)
    }
}

#[cfg(test)]
mod tests {
    use super::TicketMover::{self, *};
    use super::TicketStatus::{self, *};

    const MOVERS: [TicketMover; 3] = [Customer, Agent, System];

    #[test]
    fn exactly_the_allowed_transitions_are_allowed() {
        let allowed = [
            (New, Open),
            (New, Pending),
            (New, Solved),
            (Open, Pending),
            (Open, Solved),
            (Pending, Open),
            (Pending, Solved),
            (Solved, Open),
            (Solved, Closed),
        ];
        for from in TicketStatus::ALL {
            for to in TicketStatus::ALL {
                assert_eq!(
                    from.can_become(to),
                    allowed.contains(&(from, to)),
                    "{from:?} -> {to:?}"
                );
            }
        }
    }

    #[test]
    fn closed_is_final_for_everyone() {
        for to in TicketStatus::ALL {
            for by in MOVERS {
                assert!(!Closed.allows(to, by), "closed -> {to:?} by {by:?}");
            }
        }
        assert_eq!(Closed.after_customer_reply(), None);
        assert_eq!(Closed.after_agent_reply(), None);
    }

    #[test]
    fn each_mover_makes_only_its_own_moves() {
        for from in TicketStatus::ALL {
            for to in TicketStatus::ALL {
                assert_eq!(from.allows(to, Agent), from.can_become(to));
                assert_eq!(
                    from.allows(to, Customer),
                    to == Solved && matches!(from, New | Open | Pending),
                    "customer {from:?} -> {to:?}"
                );
                assert_eq!(
                    from.allows(to, System),
                    from == Solved && to == Closed,
                    "system {from:?} -> {to:?}"
                );
            }
        }
    }

    #[test]
    fn a_customer_reply_reopens_a_pending_or_solved_ticket_only() {
        let after: Vec<_> = TicketStatus::ALL
            .into_iter()
            .map(TicketStatus::after_customer_reply)
            .collect();
        assert_eq!(after, [Some(New), Some(Open), Some(Open), Some(Open), None]);
        for from in TicketStatus::ALL {
            if let Some(to) = from.after_customer_reply() {
                assert!(to == from || from.can_become(to), "{from:?} -> {to:?}");
            }
        }
    }

    #[test]
    fn an_agent_reply_opens_a_new_ticket_and_keeps_the_others() {
        let after: Vec<_> = TicketStatus::ALL
            .into_iter()
            .map(TicketStatus::after_agent_reply)
            .collect();
        assert_eq!(
            after,
            [Some(Open), Some(Open), Some(Pending), Some(Solved), None]
        );
    }

    #[test]
    fn only_new_and_open_tickets_are_active_and_only_solved_ones_rated() {
        for s in TicketStatus::ALL {
            assert_eq!(s.is_active(), matches!(s, New | Open), "{s:?}");
            assert_eq!(s.can_be_rated(), matches!(s, Solved | Closed), "{s:?}");
        }
    }

    #[test]
    fn statuses_round_trip_through_text() {
        for s in TicketStatus::ALL {
            assert_eq!(TicketStatus::parse(s.as_str()), Ok(s));
        }
        assert_eq!(TicketStatus::parse("lost").unwrap_err().field, "status");
    }
}
