//! The support desk's pages: a customer's tickets and "Contact us" under `/account/support`,
//! and the agents' queue and ticket view under `/support`.

pub mod customer_fns;
mod customer_pages;
pub mod desk_fns;
mod desk_overview;
mod desk_queue;
mod desk_ticket;
mod mood;

pub use customer_pages::{ContactPage, MyTicketPage, MyTicketsPage};
pub use desk_overview::DeskOverviewPage;
pub use desk_queue::DeskQueuePage;
pub use desk_ticket::DeskTicketPage;

use domain::support::TicketStatus;
use domain::time::Timestamp;
use leptos::prelude::*;

/// A moment as the pages show it (`2026-12-04 09:05 UTC`).
fn when(at: Timestamp) -> String {
    format!("{} UTC", at.datetime_utc())
}

/// A ticket's status as a coloured label, with `text` (the customer's or the desk's word).
fn status_badge(status: TicketStatus, text: &'static str) -> impl IntoView {
    let colours = match status {
        TicketStatus::New => "bg-sky-100 text-sky-900",
        TicketStatus::Open => "bg-amber-100 text-amber-900",
        TicketStatus::Pending => "bg-violet-100 text-violet-900",
        TicketStatus::Solved => "bg-emerald-100 text-emerald-900",
        TicketStatus::Closed => "bg-slate-200 text-slate-800",
    };
    view! {
        <span class=format!("rounded-full px-2 py-0.5 text-sm font-medium {colours}") data-testid="ticket-status">{text}</span>
    }
}
