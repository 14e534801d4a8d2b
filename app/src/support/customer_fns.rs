//! Thin adapters over the support service for a customer: their tickets, contacting the
//! desk, replying, marking solved and rating.

use crate::forms::FormError;
use domain::support::ticket::{Conversation, Ticket};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Where a customer's support pages live.
pub const SUPPORT_PATH: &str = "/account/support";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketsPage {
    pub tickets: Vec<Ticket>,
    pub next: Option<String>,
}

/// What the "Contact us" form offers: the customer's recent orders to pick from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactChoices {
    /// `(order id, "CM-7K3M9Q · 2026-11-30 · $45.00")`, newest first.
    pub orders: Vec<(String, String)>,
}

#[server]
pub async fn my_tickets(after: Option<String>) -> Result<TicketsPage, FormError> {
    use domain::support::table::TicketCursor;
    let services = crate::services()?;
    let customer = crate::caller::require_customer(SUPPORT_PATH).await?;
    let cursor = after.as_deref().and_then(TicketCursor::parse);
    let (tickets, next) = services
        .support
        .customer_tickets(&customer, cursor.as_ref(), 10)
        .await?;
    Ok(TicketsPage {
        tickets,
        next: next.map(|c| c.encode()),
    })
}

#[server]
pub async fn contact_form() -> Result<ContactChoices, FormError> {
    let services = crate::services()?;
    let customer = crate::caller::require_customer(&format!("{SUPPORT_PATH}/new")).await?;
    let (orders, _) = services
        .orders
        .page_for_customer(customer.id(), None, 20)
        .await?;
    Ok(ContactChoices {
        orders: orders
            .into_iter()
            .map(|o| {
                let label = format!(
                    "{} · {} · {}",
                    o.number,
                    o.created_at.date_utc(),
                    o.totals.total.format()
                );
                (o.id.as_str().to_owned(), label)
            })
            .collect(),
    })
}

#[server]
pub async fn open_ticket(
    subject: String,
    message: String,
    order: Option<String>,
) -> Result<(), FormError> {
    use domain::support::ticket::NewTicket;
    let services = crate::services()?;
    let customer = crate::caller::require_customer(&format!("{SUPPORT_PATH}/new")).await?;
    let new = NewTicket::parse(&subject, &message, order.as_deref())?;
    let ticket = services.support.open(&customer, new).await?;
    leptos_axum::redirect(&format!("{SUPPORT_PATH}/{}?opened=1", ticket.id.as_str()));
    Ok(())
}

#[server]
pub async fn my_ticket(id: String) -> Result<Option<Conversation>, FormError> {
    use domain::support::ticket::TicketId;
    use domain::support::SupportError;
    let services = crate::services()?;
    let customer = crate::caller::require_customer(SUPPORT_PATH).await?;
    let Ok(id) = TicketId::parse(&id) else {
        return Ok(None);
    };
    match services
        .support
        .conversation_for_customer(&customer, &id)
        .await
    {
        Ok(conversation) => Ok(Some(conversation)),
        Err(SupportError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

#[server]
pub async fn reply_to_ticket(id: String, message: String) -> Result<(), FormError> {
    use domain::support::ticket::TicketId;
    use domain::support::{MessageBody, Replied};
    let services = crate::services()?;
    let customer = crate::caller::require_customer(SUPPORT_PATH).await?;
    let id = TicketId::parse(&id)?;
    let body = MessageBody::parse(&message)?;
    let next = match services
        .support
        .customer_reply(&customer, &id, body)
        .await?
    {
        Replied::Added(t) => format!("{SUPPORT_PATH}/{}", t.id.as_str()),
        Replied::FollowUp(t) => format!("{SUPPORT_PATH}/{}?follows=1", t.id.as_str()),
    };
    leptos_axum::redirect(&next);
    Ok(())
}

#[server]
pub async fn solve_my_ticket(id: String) -> Result<(), FormError> {
    use domain::support::ticket::TicketId;
    let services = crate::services()?;
    let customer = crate::caller::require_customer(SUPPORT_PATH).await?;
    let id = TicketId::parse(&id)?;
    services.support.customer_solve(&customer, &id).await?;
    leptos_axum::redirect(&format!("{SUPPORT_PATH}/{}", id.as_str()));
    Ok(())
}

#[server]
pub async fn rate_my_ticket(
    id: String,
    rating: String,
    comment: Option<String>,
) -> Result<(), FormError> {
    use domain::support::ticket::TicketId;
    use domain::support::Rating;
    let services = crate::services()?;
    let customer = crate::caller::require_customer(SUPPORT_PATH).await?;
    let id = TicketId::parse(&id)?;
    let rating = Rating::parse(&rating, comment.as_deref().unwrap_or(""))?;
    services.support.rate(&customer, &id, rating).await?;
    leptos_axum::redirect(&format!("{SUPPORT_PATH}/{}?rated=1", id.as_str()));
    Ok(())
}
