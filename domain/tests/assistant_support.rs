//! The support chat over a real DynamoDB API (dynoxide), offline (no model): a signed-in
//! customer asks about their own orders, cancels one only by pressing the confirmation card,
//! and asks for a person, which hands the conversation over to the desk.
#![cfg(feature = "ssr")]

mod support;

use domain::assistant::conversation::{Proposal, ShopperMessage};
use domain::assistant::support_chat::ASSISTANT_CANCEL_REASON;
use domain::assistant::{Asker, AssistantError};
use domain::orders::{Actor, OrderStatus};
use domain::services::Services;
use domain::store::embedded::EmbeddedDynamo;
use domain::support::queue::QueueFilter;
use domain::support::sentiment::SentimentLabel;
use domain::support::{Author, Channel};

async fn shop() -> (EmbeddedDynamo, Services) {
    support::demo_shop("ac-").await
}

fn message(text: &str) -> ShopperMessage {
    ShopperMessage::parse(text).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_hears_about_their_own_orders_and_another_customers_number_is_not_found() {
    let (_db, shop) = shop().await;
    let ada = support::customer(&shop.store).await;
    let bob = support::customer(&shop.store).await;
    let order = support::order_of(&shop, &ada, 4_200).await;

    let c = shop
        .assistant
        .ask(Asker::Customer(&ada), message("where is my order?"))
        .await
        .unwrap();
    assert!(
        c.turns[1].text.contains(&order.number),
        "{}",
        c.turns[1].text
    );

    let asked = format!(
        "what is the status of order {}?",
        order.number.to_lowercase()
    );
    let c = shop
        .assistant
        .ask(Asker::Customer(&ada), message(&asked))
        .await
        .unwrap();
    let text = &c.turns[3].text;
    assert!(
        text.contains(&order.number) && text.contains("pending"),
        "{text}"
    );

    let c = shop
        .assistant
        .ask(Asker::Customer(&bob), message(&asked))
        .await
        .unwrap();
    let text = &c.turns[1].text;
    assert!(text.contains("cannot find"), "{text}");
    assert!(!text.contains("pending"), "nothing of Ada's order: {text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_is_cancelled_only_when_the_customer_presses_the_card_and_its_history_says_so() {
    let (_db, shop) = shop().await;
    let ada = support::customer(&shop.store).await;
    let bob = support::customer(&shop.store).await;
    let order = support::order_of(&shop, &ada, 8_400).await;

    let c = shop
        .assistant
        .ask(Asker::Customer(&ada), message("please cancel my order"))
        .await
        .unwrap();
    let proposal = Proposal::CancelOrder {
        number: order.number.clone(),
    };
    assert_eq!(
        c.turns[1].proposals,
        std::slice::from_ref(&proposal),
        "{}",
        c.turns[1].text
    );
    let still = shop.orders.get(&order.id).await.unwrap();
    assert_eq!(still.status, OrderStatus::Pending, "asking cancels nothing");

    let refused = shop.assistant.confirm_cancel(&bob, &order.number).await;
    assert!(
        matches!(refused, Err(AssistantError::NoSuchProposal)),
        "{refused:?}"
    );
    assert_eq!(
        shop.orders.get(&order.id).await.unwrap().status,
        OrderStatus::Pending,
        "another customer cannot press Ada's card"
    );

    let c = shop
        .assistant
        .confirm_cancel(&ada, &order.number.to_lowercase())
        .await
        .unwrap();
    assert!(c.turns.last().unwrap().text.contains("is cancelled"));
    assert!(
        c.turns.iter().all(|t| !t.proposals.contains(&proposal)),
        "the card is used up"
    );
    let cancelled = shop.orders.get(&order.id).await.unwrap();
    assert_eq!(cancelled.status, OrderStatus::Cancelled);
    let last = cancelled.history.last().unwrap();
    assert_eq!(last.reason, ASSISTANT_CANCEL_REASON);
    assert_eq!(last.actor, Actor::Customer(ada.id().clone()));

    let again = shop.assistant.confirm_cancel(&ada, &order.number).await;
    assert!(
        matches!(again, Err(AssistantError::NoSuchProposal)),
        "{again:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pending_order_of_someone_else_is_never_proposed_for_cancelling() {
    let (_db, shop) = shop().await;
    let ada = support::customer(&shop.store).await;
    let bob = support::customer(&shop.store).await;
    let order = support::order_of(&shop, &ada, 1_500).await;
    let c = shop
        .assistant
        .ask(
            Asker::Customer(&bob),
            message(&format!("cancel order {}", order.number)),
        )
        .await
        .unwrap();
    assert!(c.turns[1].proposals.is_empty());
    assert!(
        c.turns[1].text.contains("cannot find"),
        "{}",
        c.turns[1].text
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn asking_for_a_person_hands_the_conversation_and_its_order_to_the_desk_and_an_angry_chat_lands_first(
) {
    let (_db, shop) = shop().await;
    let ada = support::customer(&shop.store).await;
    let calm = support::customer(&shop.store).await;
    let agent = support::staff(&shop.store, "agent@cloudmart.test").await;
    let order = support::order_of(&shop, &ada, 4_500).await;

    shop.assistant
        .ask(
            Asker::Customer(&calm),
            message("I would like to talk to a person please"),
        )
        .await
        .unwrap();
    shop.assistant
        .ask(
            Asker::Customer(&ada),
            message(&format!("where is order {}?", order.number)),
        )
        .await
        .unwrap();
    let c = shop
        .assistant
        .ask(
            Asker::Customer(&ada),
            message("This is terrible, I am furious and fed up. Let me talk to a human now!"),
        )
        .await
        .unwrap();
    let said = &c.turns[3].text;
    assert!(said.contains("ticket #"), "{said}");

    let (queue, _) = shop
        .support
        .queue(&agent, &QueueFilter::default(), None, 10)
        .await
        .unwrap();
    assert_eq!(queue.len(), 2);
    let first = &queue[0];
    assert!(
        said.contains(&first.number.to_string()),
        "the angry chat is first: {said}"
    );
    assert_eq!(first.channel, Channel::Chat);
    assert_eq!(
        first.order.as_ref().map(|o| o.id.clone()),
        Some(order.id.clone())
    );
    assert_eq!(first.mood().unwrap().label(), SentimentLabel::Negative);
    let conversation = shop
        .support
        .conversation_for_desk(&agent, &first.id)
        .await
        .unwrap();
    let authors: Vec<Author> = conversation.messages.iter().map(|m| m.author).collect();
    assert_eq!(
        authors,
        [Author::Customer, Author::Assistant, Author::Customer],
        "the chat so far, the customer's and the assistant's turns"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_talk_to_a_person_button_hands_over_the_conversation_too() {
    let (_db, shop) = shop().await;
    let ada = support::customer(&shop.store).await;
    shop.assistant
        .ask(Asker::Customer(&ada), message("cheapest headphones"))
        .await
        .unwrap();
    let c = shop.assistant.hand_over(&ada).await.unwrap();
    assert!(c.turns.last().unwrap().text.contains("ticket #"));
    let (mine, _) = shop.support.customer_tickets(&ada, None, 10).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].channel, Channel::Chat);
}
