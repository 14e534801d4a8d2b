//! The shopping assistant's page, `/assistant`: the visitor's conversation (kept on the
//! server, by their cart or account) and a form to write the next message. It works without
//! JavaScript: the form posts, the page shows the answer.

mod page;
pub mod server_fns;

pub use page::AssistantPage;
