//! The shopping assistant's page, `/assistant`, and the support chat's,
//! `/account/support/chat`: the visitor's conversation (kept on the server, by their cart or
//! account), its proposals with their buttons, and a form to write the next message. They
//! work without JavaScript: the forms post, the page shows the answer.

//! On every other storefront page the same conversation is a panel (an island, [`panel`]).

mod page;
pub mod panel;
pub mod server_fns;

pub use page::{AssistantPage, SupportChatPage};
pub use panel::AssistantPanel;
