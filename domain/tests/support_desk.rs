//! The support desk against a real DynamoDB API (dynoxide, fresh per test): opening tickets,
//! conversations, the status machine as stored, the queue's order, and the races that must
//! have one winner.
#![cfg(feature = "ssr")]

mod support;

use domain::audit::{AuditFilter, AuditLog, TargetKind};
use domain::identity::Role;
use domain::services::Services;
use domain::store::embedded::EmbeddedDynamo;
use domain::store::{init_tables, Store, StoreEndpoint};
use domain::support::queue::{AssigneeFilter, QueueFilter};
use domain::support::sentiment::SentimentLabel;
use domain::support::ticket::{HandOff, NewTicket};
use domain::support::{
    AgentReply, Author, MessageBody, Priority, Rating, Replied, ReplyBody, Subject, SupportError,
    Tag, TicketStatus, Visibility,
};

async fn desk() -> (EmbeddedDynamo, Services) {
    let db = EmbeddedDynamo::in_memory().await.unwrap();
    let store = Store::connect(&StoreEndpoint::Url(db.endpoint().to_owned()), "sd-").await;
    init_tables(&store).await.unwrap();
    (db, Services::start(store).await.unwrap())
}

fn new_ticket(subject: &str, body: &str) -> NewTicket {
    NewTicket::parse(subject, body, None).unwrap()
}

fn body(text: &str) -> MessageBody {
    MessageBody::parse(text).unwrap()
}

fn reply(text: &str) -> AgentReply {
    AgentReply {
        body: ReplyBody::Written(body(text)),
        visibility: Visibility::Public,
        then: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_opens_a_ticket_about_their_own_order_and_it_is_scored_at_once() {
    let (_db, shop) = desk().await;
    let ada = support::customer(&shop.store).await;
    let order = support::order_of(&shop, &ada, 4_500).await;
    let mut new = new_ticket(
        "Broken lamp",
        "The lamp arrived broken and I am really angry!",
    );
    new.order = Some(order.id.clone());
    let ticket = shop.support.open(&ada, new).await.unwrap();

    assert_eq!(ticket.status, TicketStatus::New);
    assert!(ticket.number.get() >= 1001);
    assert_eq!(ticket.order.as_ref().unwrap().number, order.number);
    assert_eq!(ticket.recent_spend_cents, order.totals.total.cents());
    assert_eq!(ticket.unscored, 0);
    let mood = ticket.mood().unwrap();
    assert_eq!(mood.label(), SentimentLabel::Negative);

    let agent = support::staff(&shop.store, "agent@cloudmart.test").await;
    let about = shop.support.tickets_about(&agent, &order.id).await.unwrap();
    assert_eq!(
        about.iter().map(|t| &t.id).collect::<Vec<_>>(),
        [&ticket.id]
    );

    let seen = shop
        .support
        .conversation_for_customer(&ada, &ticket.id)
        .await
        .unwrap();
    assert_eq!(seen.messages.len(), 1);
    let first = &seen.messages[0];
    assert_eq!((first.seq, first.author), (1, Author::Customer));
    assert_eq!(first.sentiment.unwrap().label, SentimentLabel::Negative);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_customers_order_or_ticket_is_not_theirs() {
    let (_db, shop) = desk().await;
    let ada = support::customer(&shop.store).await;
    let bob = support::customer(&shop.store).await;
    let adas_order = support::order_of(&shop, &ada, 1_000).await;
    let mut new = new_ticket("About an order", "Where is it?");
    new.order = Some(adas_order.id.clone());
    match shop.support.open(&bob, new).await {
        Err(SupportError::Invalid(fields)) => assert_eq!(fields[0].field, "order"),
        other => panic!("{other:?}"),
    }

    let adas = shop
        .support
        .open(&ada, new_ticket("Hello", "A question"))
        .await
        .unwrap();
    assert!(matches!(
        shop.support.conversation_for_customer(&bob, &adas.id).await,
        Err(SupportError::NotFound)
    ));
    assert!(matches!(
        shop.support
            .customer_reply(&bob, &adas.id, body("me too"))
            .await,
        Err(SupportError::NotFound)
    ));
    let (bobs_list, _) = shop.support.customer_tickets(&bob, None, 10).await.unwrap();
    assert!(bobs_list.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_internal_note_never_reaches_the_customer() {
    let (_db, shop) = desk().await;
    let ada = support::customer(&shop.store).await;
    let agent = support::staff(&shop.store, "agent@cloudmart.test").await;
    let ticket = shop
        .support
        .open(&ada, new_ticket("Refund", "I want a refund"))
        .await
        .unwrap();
    let note = AgentReply {
        body: ReplyBody::Written(body("Customer has asked twice before; check with finance")),
        visibility: Visibility::Internal,
        then: None,
    };
    let noted = shop
        .support
        .agent_reply(&agent, &ticket.id, note)
        .await
        .unwrap();
    assert_eq!(noted.status, TicketStatus::New, "a note is not an answer");
    assert_eq!(noted.first_response_ms, None);
    shop.support
        .agent_reply(&agent, &ticket.id, reply("We are on it."))
        .await
        .unwrap();

    let customer_view = shop
        .support
        .conversation_for_customer(&ada, &ticket.id)
        .await
        .unwrap();
    let texts: Vec<_> = customer_view
        .messages
        .iter()
        .map(|m| m.body.as_str())
        .collect();
    assert_eq!(texts, ["I want a refund", "We are on it."]);
    let desk_view = shop
        .support
        .conversation_for_desk(&agent, &ticket.id)
        .await
        .unwrap();
    assert_eq!(desk_view.messages.len(), 3);
    assert_eq!(desk_view.messages[1].visibility, Visibility::Internal);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conversation_moves_through_its_statuses_and_is_rated_once() {
    let (_db, shop) = desk().await;
    let ada = support::customer(&shop.store).await;
    let agent = support::staff(&shop.store, "agent@cloudmart.test").await;
    let ticket = shop
        .support
        .open(&ada, new_ticket("Size", "Does it come in blue?"))
        .await
        .unwrap();
    assert!(matches!(
        shop.support
            .rate(&ada, &ticket.id, Rating::parse("5", "").unwrap())
            .await,
        Err(SupportError::NotRatable)
    ));

    let asked = AgentReply {
        then: Some(TicketStatus::Pending),
        ..reply("Which size do you need?")
    };
    let pending = shop
        .support
        .agent_reply(&agent, &ticket.id, asked)
        .await
        .unwrap();
    assert_eq!(pending.status, TicketStatus::Pending);
    assert!(pending.first_response_ms.is_some());
    assert!(
        !pending.clock.is_running(),
        "waiting on the customer stops the clock"
    );

    let Replied::Added(reopened) = shop
        .support
        .customer_reply(&ada, &ticket.id, body("Large, thanks"))
        .await
        .unwrap()
    else {
        panic!("added to the ticket");
    };
    assert_eq!(reopened.status, TicketStatus::Open);
    assert!(reopened.clock.is_running());

    let solved = shop.support.customer_solve(&ada, &ticket.id).await.unwrap();
    assert_eq!(solved.status, TicketStatus::Solved);
    let rated = shop
        .support
        .rate(
            &ada,
            &ticket.id,
            Rating::parse("4", "Quick and kind").unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(rated.rating.unwrap().score, 4);
    assert!(matches!(
        shop.support
            .rate(&ada, &ticket.id, Rating::parse("1", "").unwrap())
            .await,
        Err(SupportError::AlreadyRated)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_to_a_closed_ticket_starts_a_new_one_that_follows_it() {
    let (_db, shop) = desk().await;
    let ada = support::customer(&shop.store).await;
    let agent = support::staff(&shop.store, "agent@cloudmart.test").await;
    let ticket = shop
        .support
        .open(&ada, new_ticket("Parcel", "Where is my parcel?"))
        .await
        .unwrap();
    shop.support
        .set_status(&agent, &ticket.id, TicketStatus::Solved)
        .await
        .unwrap();
    let closed = shop
        .support
        .set_status(&agent, &ticket.id, TicketStatus::Closed)
        .await
        .unwrap();
    assert!(matches!(
        shop.support
            .set_status(&agent, &ticket.id, TicketStatus::Open)
            .await,
        Err(SupportError::InvalidTransition {
            from: TicketStatus::Closed,
            ..
        })
    ));
    assert!(matches!(
        shop.support
            .agent_reply(&agent, &ticket.id, reply("One more thing"))
            .await,
        Err(SupportError::Closed)
    ));

    let Replied::FollowUp(next) = shop
        .support
        .customer_reply(&ada, &ticket.id, body("It came back!"))
        .await
        .unwrap()
    else {
        panic!("a closed ticket takes no reply");
    };
    assert_eq!(next.follows, Some(closed.number));
    assert_eq!(next.subject.as_str(), "Re: Parcel");
    assert_ne!(next.number, closed.number);
    let still = shop
        .support
        .conversation_for_customer(&ada, &ticket.id)
        .await
        .unwrap();
    assert_eq!(still.ticket.status, TicketStatus::Closed);
    assert_eq!(still.messages.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_agents_taking_one_ticket_one_wins_and_the_other_is_told_who() {
    let (_db, shop) = desk().await;
    let ada = support::customer(&shop.store).await;
    let sam = support::staff(&shop.store, "sam@cloudmart.test").await;
    let kim = support::staff(&shop.store, "kim@cloudmart.test").await;
    for _ in 0..5 {
        let ticket = shop
            .support
            .open(&ada, new_ticket("Help", "Please help"))
            .await
            .unwrap();
        let (a, b) = tokio::join!(
            shop.support.take(&sam, &ticket.id),
            shop.support.take(&kim, &ticket.id)
        );
        let winners = [a.is_ok(), b.is_ok()].iter().filter(|w| **w).count();
        assert_eq!(winners, 1, "{a:?} / {b:?}");
        let loser = if a.is_ok() { b } else { a };
        match loser {
            Err(SupportError::AlreadyTaken { by }) => {
                assert!(by == "sam@cloudmart.test" || by == "kim@cloudmart.test")
            }
            other => panic!("{other:?}"),
        }
        let stored = shop
            .support
            .conversation_for_desk(&sam, &ticket.id)
            .await
            .unwrap()
            .ticket;
        assert!(stored.assignee.is_some());
        assert_eq!(stored.version, 2, "one write");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_replies_each_get_their_own_message_number() {
    let (_db, shop) = desk().await;
    let ada = support::customer(&shop.store).await;
    let sam = support::staff(&shop.store, "sam@cloudmart.test").await;
    let ticket = shop
        .support
        .open(&ada, new_ticket("Help", "Please help"))
        .await
        .unwrap();
    let customer_side = async {
        for i in 0..4 {
            shop.support
                .customer_reply(&ada, &ticket.id, body(&format!("customer {i}")))
                .await
                .unwrap();
        }
    };
    let agent_side = async {
        for i in 0..4 {
            shop.support
                .agent_reply(&sam, &ticket.id, reply(&format!("agent {i}")))
                .await
                .unwrap();
        }
    };
    tokio::join!(customer_side, agent_side);
    let all = shop
        .support
        .conversation_for_desk(&sam, &ticket.id)
        .await
        .unwrap();
    let seqs: Vec<u32> = all.messages.iter().map(|m| m.seq).collect();
    assert_eq!(seqs, (1..=9).collect::<Vec<_>>());
    assert_eq!(all.ticket.messages, 9);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_status_move_is_decided_on_the_status_it_is_written_over() {
    let (_db, shop) = desk().await;
    let ada = support::customer(&shop.store).await;
    let sam = support::staff(&shop.store, "sam@cloudmart.test").await;
    let kim = support::staff(&shop.store, "kim@cloudmart.test").await;
    let ticket = shop
        .support
        .open(&ada, new_ticket("Help", "Please help"))
        .await
        .unwrap();
    shop.support
        .set_status(&sam, &ticket.id, TicketStatus::Solved)
        .await
        .unwrap();
    // One closes it while the other reopens it. Whichever is written second is decided on
    // what the first left, and neither move is allowed from the other's result (closed is
    // final; an open ticket is solved before it is closed): exactly one wins.
    let (close, reopen) = tokio::join!(
        shop.support
            .set_status(&sam, &ticket.id, TicketStatus::Closed),
        shop.support
            .set_status(&kim, &ticket.id, TicketStatus::Open),
    );
    let stored = shop
        .support
        .conversation_for_desk(&sam, &ticket.id)
        .await
        .unwrap()
        .ticket;
    match (close, reopen) {
        (
            Ok(_),
            Err(SupportError::InvalidTransition {
                from: TicketStatus::Closed,
                ..
            }),
        ) => {
            assert_eq!(stored.status, TicketStatus::Closed)
        }
        (
            Err(SupportError::InvalidTransition {
                from: TicketStatus::Open,
                ..
            }),
            Ok(_),
        ) => {
            assert_eq!(stored.status, TicketStatus::Open)
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(stored.version, 3, "opened, solved, then one move");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_puts_the_angriest_customer_first_and_filters_through_its_indexes() {
    let (_db, shop) = desk().await;
    let ada = support::customer(&shop.store).await;
    let bob = support::customer(&shop.store).await;
    let sam = support::staff(&shop.store, "sam@cloudmart.test").await;
    let calm = shop
        .support
        .open(
            &ada,
            new_ticket("Question", "Could you tell me the size of the lamp?"),
        )
        .await
        .unwrap();
    let happy = shop
        .support
        .open(
            &ada,
            new_ticket("Thanks", "Great service, thank you so much!"),
        )
        .await
        .unwrap();
    let angry = shop
        .support
        .open(
            &bob,
            new_ticket(
                "Broken",
                "This is TERRIBLE. The lamp is broken and nobody answers. I am furious!!",
            ),
        )
        .await
        .unwrap();

    let (queue, _) = shop
        .support
        .queue(&sam, &QueueFilter::default(), None, 10)
        .await
        .unwrap();
    let order: Vec<_> = queue.iter().map(|t| t.id.clone()).collect();
    assert_eq!(order, [angry.id.clone(), calm.id.clone(), happy.id.clone()]);

    let negative = QueueFilter {
        mood: Some(SentimentLabel::Negative),
        ..QueueFilter::default()
    };
    let (only_angry, _) = shop.support.queue(&sam, &negative, None, 10).await.unwrap();
    assert_eq!(only_angry.len(), 1);

    shop.support.take(&sam, &calm.id).await.unwrap();
    shop.support
        .classify(
            &sam,
            &happy.id,
            Priority::Urgent,
            Tag::parse_list("praise").unwrap(),
        )
        .await
        .unwrap();
    let mine = QueueFilter {
        assignee: AssigneeFilter::Me,
        ..QueueFilter::default()
    };
    let (my_queue, _) = shop.support.queue(&sam, &mine, None, 10).await.unwrap();
    assert_eq!(
        my_queue.iter().map(|t| &t.id).collect::<Vec<_>>(),
        [&calm.id]
    );
    let unassigned = QueueFilter {
        assignee: AssigneeFilter::Unassigned,
        ..QueueFilter::default()
    };
    let (free, _) = shop
        .support
        .queue(&sam, &unassigned, None, 10)
        .await
        .unwrap();
    assert_eq!(free.len(), 2);
    let tagged = QueueFilter {
        tag: Some(Tag::parse("praise").unwrap()),
        priority: Some(Priority::Urgent),
        ..QueueFilter::default()
    };
    let (praise, _) = shop.support.queue(&sam, &tagged, None, 10).await.unwrap();
    assert_eq!(
        praise.iter().map(|t| &t.id).collect::<Vec<_>>(),
        [&happy.id]
    );

    // Pages follow the index: two, then the rest.
    let (first, cursor) = shop
        .support
        .queue(&sam, &QueueFilter::default(), None, 2)
        .await
        .unwrap();
    assert_eq!(first.len(), 2);
    let (rest, end) = shop
        .support
        .queue(&sam, &QueueFilter::default(), cursor.as_ref(), 2)
        .await
        .unwrap();
    assert_eq!(rest.len(), 1);
    assert!(end.is_none());

    // A pending ticket leaves the work to do; its own list holds it.
    shop.support
        .agent_reply(
            &sam,
            &angry.id,
            AgentReply {
                then: Some(TicketStatus::Pending),
                ..reply("Sorry! Can you send a photo?")
            },
        )
        .await
        .unwrap();
    let (work, _) = shop
        .support
        .queue(&sam, &QueueFilter::default(), None, 10)
        .await
        .unwrap();
    assert!(work.iter().all(|t| t.id != angry.id));
    let waiting = QueueFilter {
        status: Some(TicketStatus::Pending),
        ..QueueFilter::default()
    };
    let (pending, _) = shop.support.queue(&sam, &waiting, None, 10).await.unwrap();
    assert_eq!(
        pending.iter().map(|t| &t.id).collect::<Vec<_>>(),
        [&angry.id]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_agent_action_is_in_the_audit_log() {
    let (_db, shop) = desk().await;
    let ada = support::customer(&shop.store).await;
    let sam = support::staff(&shop.store, "sam@cloudmart.test").await;
    let kim = support::principal(&shop.store, "kim@cloudmart.test", Role::Support)
        .await
        .staff()
        .unwrap();
    let ticket = shop
        .support
        .open(&ada, new_ticket("Help", "Please help"))
        .await
        .unwrap();
    shop.support.take(&sam, &ticket.id).await.unwrap();
    shop.support
        .assign(&sam, &ticket.id, Some(kim.id()))
        .await
        .unwrap();
    shop.support
        .agent_reply(&kim, &ticket.id, reply("Hello!"))
        .await
        .unwrap();
    shop.support
        .agent_reply(
            &kim,
            &ticket.id,
            AgentReply {
                visibility: Visibility::Internal,
                ..reply("note")
            },
        )
        .await
        .unwrap();
    shop.support
        .classify(&kim, &ticket.id, Priority::High, Vec::new())
        .await
        .unwrap();
    shop.support
        .set_status(&kim, &ticket.id, TicketStatus::Solved)
        .await
        .unwrap();

    let log = AuditLog::new(shop.store.clone());
    let filter = AuditFilter {
        kind: Some(TargetKind::Ticket),
        actor: None,
    };
    let month = domain::audit::month_of(domain::time::Timestamp::now());
    let (entries, _) = log.page(&month, &filter, None, 50).await.unwrap();
    let mut actions: Vec<_> = entries.iter().map(|e| e.action.as_str()).collect();
    actions.sort_unstable();
    assert_eq!(
        actions,
        [
            "ticket.assigned",
            "ticket.classified",
            "ticket.noted",
            "ticket.replied",
            "ticket.status_changed",
            "ticket.taken"
        ]
    );
    assert!(entries
        .iter()
        .all(|e| e.target.label == ticket.number.to_string()));

    let customer_as_agent = shop.support.assign(&sam, &ticket.id, Some(ada.id())).await;
    assert!(matches!(customer_as_agent, Err(SupportError::Invalid(f)) if f[0].field == "assignee"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chat_hands_over_as_a_ticket_with_its_transcript() {
    let (_db, shop) = desk().await;
    let ada = support::customer(&shop.store).await;
    let order = support::order_of(&shop, &ada, 2_000).await;
    let handoff = HandOff {
        subject: Subject::parse("Chat: refund for my order").unwrap(),
        transcript: vec![
            (
                Author::Customer,
                body("I want my money back, the lamp is awful"),
            ),
            (Author::Assistant, body("I can hand this to our team.")),
            (Author::Customer, body("Yes please")),
        ],
        order: Some(order.id.clone()),
    };
    let ticket = shop.support.open_from_chat(&ada, handoff).await.unwrap();
    assert_eq!(ticket.channel, domain::support::Channel::Chat);
    assert_eq!(ticket.order.unwrap().id, order.id);
    let seen = shop
        .support
        .conversation_for_customer(&ada, &ticket.id)
        .await
        .unwrap();
    let authors: Vec<_> = seen.messages.iter().map(|m| m.author).collect();
    assert_eq!(
        authors,
        [Author::Customer, Author::Assistant, Author::Customer]
    );
    assert!(
        seen.messages[1].sentiment.is_none(),
        "only the customer's words are scored"
    );
    assert_eq!(ticket.recent_scores.len(), 2);

    let empty = HandOff {
        subject: Subject::parse("Chat").unwrap(),
        transcript: Vec::new(),
        order: None,
    };
    assert!(
        matches!(shop.support.open_from_chat(&ada, empty).await, Err(SupportError::Invalid(f)) if f[0].field == "transcript")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_opening_ticket_after_ticket_is_slowed_down() {
    let (_db, shop) = desk().await;
    let ada = support::customer(&shop.store).await;
    for i in 0..domain::support::OPEN_PER_WINDOW {
        shop.support
            .open(&ada, new_ticket(&format!("Ticket {i}"), "Hello"))
            .await
            .unwrap();
    }
    match shop
        .support
        .open(&ada, new_ticket("One more", "Hello"))
        .await
    {
        Err(SupportError::TooMany { retry_after_secs }) => assert!(retry_after_secs > 3_000),
        other => panic!("{other:?}"),
    }
    let (all, _) = shop.support.customer_tickets(&ada, None, 20).await.unwrap();
    assert_eq!(
        all.len(),
        domain::support::OPEN_PER_WINDOW,
        "the refused one wrote nothing"
    );
    let bob = support::customer(&shop.store).await;
    assert!(
        shop.support
            .open(&bob, new_ticket("Mine", "Hello"))
            .await
            .is_ok(),
        "per account"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_canned_reply_is_sent_filled_in_for_the_ticket() {
    let (_db, shop) = desk().await;
    let ada = support::customer(&shop.store).await;
    let admin = support::admin(&shop.store, "admin@cloudmart.test").await;
    let sam = support::staff(&shop.store, "sam@cloudmart.test").await;
    let order = support::order_of(&shop, &ada, 3_000).await;
    let mut new = new_ticket("Late", "Where is it?");
    new.order = Some(order.id.clone());
    let ticket = shop.support.open(&ada, new).await.unwrap();

    let canned = shop
        .support
        .save_canned(
            &admin,
            None,
            "Sorry for the wait",
            "Hi {first_name}, {order_number} ({ticket_number}) ships today. — {agent_email}",
        )
        .await
        .unwrap();
    assert!(matches!(
        shop.support.save_canned(&admin, None, "Bad", "Dear {firstname}").await,
        Err(SupportError::Invalid(f)) if f[0].field == "body"
    ));
    let canned_reply = AgentReply {
        body: ReplyBody::Canned(canned.id.clone()),
        visibility: Visibility::Public,
        then: None,
    };
    shop.support
        .agent_reply(&sam, &ticket.id, canned_reply)
        .await
        .unwrap();
    let seen = shop
        .support
        .conversation_for_customer(&ada, &ticket.id)
        .await
        .unwrap();
    let first_name = ada
        .account()
        .name
        .as_str()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(
        seen.messages[1].body.as_str(),
        format!(
            "Hi {first_name}, {} ({}) ships today. — sam@cloudmart.test",
            order.number, ticket.number
        )
    );

    let unknown = AgentReply {
        body: ReplyBody::Canned("no-such-reply".into()),
        visibility: Visibility::Public,
        then: None,
    };
    assert!(matches!(
        shop.support.agent_reply(&sam, &ticket.id, unknown).await,
        Err(SupportError::Invalid(f)) if f[0].field == "canned"
    ));

    let edited = shop
        .support
        .save_canned(
            &admin,
            Some(&canned.id),
            "Sorry for the wait",
            "Hello {customer_name}",
        )
        .await
        .unwrap();
    assert_eq!(edited.id, canned.id);
    shop.support
        .delete_canned(&admin, &canned.id)
        .await
        .unwrap();
    assert!(shop.support.canned_replies(&sam).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_admins_adding_canned_replies_at_once_keep_both() {
    let (_db, shop) = desk().await;
    let admin = support::admin(&shop.store, "admin@cloudmart.test").await;
    let other = support::admin(&shop.store, "other@cloudmart.test").await;
    let (a, b) = tokio::join!(
        shop.support.save_canned(&admin, None, "One", "First text"),
        shop.support.save_canned(&other, None, "Two", "Second text"),
    );
    a.unwrap();
    b.unwrap();
    let sam = support::staff(&shop.store, "sam@cloudmart.test").await;
    let mut titles: Vec<_> = shop
        .support
        .canned_replies(&sam)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.title)
        .collect();
    titles.sort();
    assert_eq!(titles, ["One", "Two"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_overview_counts_what_the_ticket_writes_did() {
    let (_db, shop) = desk().await;
    let ada = support::customer(&shop.store).await;
    let sam = support::staff(&shop.store, "sam@cloudmart.test").await;
    let empty = shop.support.overview(&sam).await.unwrap();
    assert_eq!(empty.unsolved(), 0);
    assert_eq!(empty.satisfaction.average_hundredths, None);
    assert_eq!(empty.first_responses.median_ms, None);
    assert_eq!(empty.sentiment.len(), 14);

    let angry = shop
        .support
        .open(
            &ada,
            new_ticket("Broken", "This is TERRIBLE. The lamp broke!!"),
        )
        .await
        .unwrap();
    let waiting = shop
        .support
        .open(&ada, new_ticket("Size", "Which size fits a tall person?"))
        .await
        .unwrap();
    let happy = shop
        .support
        .open(&ada, new_ticket("Thanks", "Great shop, I love it"))
        .await
        .unwrap();
    shop.support
        .classify(&sam, &angry.id, Priority::Urgent, Vec::new())
        .await
        .unwrap();
    shop.support
        .agent_reply(&sam, &waiting.id, reply("The large one."))
        .await
        .unwrap();
    shop.support
        .set_status(&sam, &waiting.id, TicketStatus::Pending)
        .await
        .unwrap();
    shop.support
        .agent_reply(&sam, &happy.id, reply("Thank you!"))
        .await
        .unwrap();
    shop.support.customer_solve(&ada, &happy.id).await.unwrap();
    let rating = Rating::parse("5", "quick").unwrap();
    shop.support.rate(&ada, &happy.id, rating).await.unwrap();

    let o = shop.support.overview(&sam).await.unwrap();
    let at = |status: TicketStatus| o.open_work.iter().find(|s| s.status == status).unwrap();
    assert_eq!(at(TicketStatus::New).total, 1);
    assert_eq!(
        at(TicketStatus::New).by_priority[Priority::Urgent.index()],
        1
    );
    assert_eq!(at(TicketStatus::Pending).total, 1);
    assert_eq!(at(TicketStatus::Solved).total, 1);
    assert_eq!(o.unsolved(), 2);
    assert_eq!(o.first_responses.count, 2, "two tickets answered");
    assert!(o.first_responses.median_ms.unwrap() <= 5 * 60_000);
    assert_eq!(o.satisfaction.count, 1);
    assert_eq!(o.satisfaction.average_hundredths, Some(500));
    let today = o.sentiment.last().unwrap();
    assert_eq!(today.day, domain::time::Timestamp::now().date_utc());
    assert_eq!((today.negative, today.positive), (1, 1));
    assert_eq!(today.messages(), 3);
    assert_eq!(o.overdue, 0, "nothing is late yet");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tickets_opened_and_moved_at_once_are_all_counted() {
    let (_db, shop) = desk().await;
    let sam = support::staff(&shop.store, "sam@cloudmart.test").await;
    let mut customers = Vec::new();
    for _ in 0..4 {
        customers.push(support::customer(&shop.store).await);
    }
    let mut opening = tokio::task::JoinSet::new();
    for customer in &customers {
        for i in 0..4 {
            let (desk, customer) = (shop.support.clone(), customer.clone());
            opening.spawn(async move {
                let new = new_ticket("Help", &format!("Please help {i}"));
                desk.open(&customer, new).await
            });
        }
    }
    let tickets: Vec<_> = opening
        .join_all()
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let mut moving = tokio::task::JoinSet::new();
    for ticket in tickets.iter().step_by(2) {
        let (desk, sam, id) = (shop.support.clone(), sam.clone(), ticket.id.clone());
        moving.spawn(async move { desk.set_status(&sam, &id, TicketStatus::Pending).await });
    }
    let moved = moving.join_all().await;
    assert!(moved.iter().all(Result::is_ok), "{moved:?}");
    let o = shop.support.overview(&sam).await.unwrap();
    let total = |status: TicketStatus| {
        o.open_work
            .iter()
            .find(|s| s.status == status)
            .map_or(0, |s| s.total)
    };
    assert_eq!(total(TicketStatus::New), 8);
    assert_eq!(total(TicketStatus::Pending), 8);
    let (pending, _) = shop
        .support
        .queue(
            &sam,
            &QueueFilter {
                status: Some(TicketStatus::Pending),
                ..QueueFilter::default()
            },
            None,
            50,
        )
        .await
        .unwrap();
    assert_eq!(pending.len(), 8, "the counter agrees with the index");
    assert_eq!(o.sentiment.last().unwrap().messages(), 16);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_overdue_count_is_the_tickets_past_their_target_and_the_demo_fills_the_overview() {
    let (_db, shop) = desk().await;
    let ada = support::customer(&shop.store).await;
    let sam = support::staff(&shop.store, "sam@cloudmart.test").await;
    let admin = support::admin(&shop.store, "root@cloudmart.test").await;
    let written = shop
        .support
        .seed_demo(&ada, &sam, Some(&admin))
        .await
        .unwrap();
    let now = domain::time::Timestamp::now();
    let (active, _) = shop
        .support
        .queue(&sam, &QueueFilter::default(), None, 100)
        .await
        .unwrap();
    let late = active
        .iter()
        .filter(|t| t.current_sla_state(shop.support.policy(), now).is_overdue())
        .count() as u64;
    assert!(late > 0, "the demo has overdue tickets");
    let o = shop.support.overview(&sam).await.unwrap();
    assert_eq!(o.overdue, late);
    let counted: u64 = o.open_work.iter().map(|s| s.total).sum();
    let closed = written as u64 - counted;
    assert!(closed >= 1, "closed tickets are not open work");
    assert!(o.satisfaction.count >= 1, "the demo has ratings");
    assert!(o.first_responses.count >= 1);
    assert!(o.sentiment.iter().any(|d| d.negative > 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn solved_tickets_left_alone_are_closed_once_and_reopened_ones_are_not() {
    let (_db, shop) = desk().await;
    let ada = support::customer(&shop.store).await;
    let sam = support::staff(&shop.store, "sam@cloudmart.test").await;
    let open = |s: &'static str| shop.support.open(&ada, new_ticket(s, "Please help"));
    let (solved, working, reopened) = (
        open("Solved").await.unwrap(),
        open("Working").await.unwrap(),
        open("Reopened").await.unwrap(),
    );
    shop.support.customer_solve(&ada, &solved.id).await.unwrap();
    shop.support
        .customer_solve(&ada, &reopened.id)
        .await
        .unwrap();
    shop.support
        .customer_reply(&ada, &reopened.id, body("Actually, it broke again"))
        .await
        .unwrap();
    let week = std::time::Duration::from_secs(7 * 86_400);
    assert_eq!(
        shop.support.close_solved(week).await.unwrap(),
        0,
        "too recent"
    );
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    assert_eq!(
        shop.support
            .close_solved(std::time::Duration::ZERO)
            .await
            .unwrap(),
        1
    );
    let status = |id| {
        let support = shop.support.clone();
        let sam = sam.clone();
        async move {
            support
                .conversation_for_desk(&sam, id)
                .await
                .unwrap()
                .ticket
                .status
        }
    };
    assert_eq!(status(&solved.id).await, TicketStatus::Closed);
    assert_eq!(status(&working.id).await, TicketStatus::New);
    assert_eq!(status(&reopened.id).await, TicketStatus::Open);
    assert_eq!(
        shop.support
            .close_solved(std::time::Duration::ZERO)
            .await
            .unwrap(),
        0,
        "closing again changes nothing"
    );
    let o = shop.support.overview(&sam).await.unwrap();
    let solved_now = o
        .open_work
        .iter()
        .find(|s| s.status == TicketStatus::Solved)
        .unwrap();
    assert_eq!(
        solved_now.total, 0,
        "the closed ticket left the solved count"
    );
    let replied = shop
        .support
        .customer_reply(&ada, &solved.id, body("One more thing"))
        .await
        .unwrap();
    assert!(matches!(replied, Replied::FollowUp(_)), "closed is final");
}
