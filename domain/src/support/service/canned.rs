//! Canned replies: admins keep them, agents read them (one item, each change conditional on
//! its version).

use super::{SupportService, CHANGE_ATTEMPTS};
use crate::identity::{Admin, Staff};
use crate::support::canned::{self, CannedReply};
use crate::support::table;
use crate::support::SupportError;
use crate::FieldError;

impl SupportService {
    /// The canned replies, in the order admins keep them.
    pub async fn canned_replies(&self, _staff: &Staff) -> Result<Vec<CannedReply>, SupportError> {
        Ok(table::canned(&self.store).await?.0)
    }

    /// Adds a canned reply (`id` `None`) or replaces the one with `id`, keeping its place.
    #[tracing::instrument(name = "support.save_canned", skip_all)]
    pub async fn save_canned(
        &self,
        _admin: &Admin,
        id: Option<&str>,
        title: &str,
        body: &str,
    ) -> Result<CannedReply, SupportError> {
        let (title, body) = canned::parse(title, body)?;
        self.change_canned(|replies| {
            let reply = CannedReply {
                id: id.map_or_else(|| uuid::Uuid::now_v7().to_string(), str::to_owned),
                title: title.clone(),
                body: body.clone(),
            };
            let full = replies.len() >= canned::MAX_CANNED;
            match replies.iter_mut().find(|r| r.id == reply.id) {
                Some(existing) => *existing = reply.clone(),
                None if id.is_some() => return Err(SupportError::NotFound),
                None if full => {
                    return Err(FieldError::new(
                        "title",
                        format!(
                            "there are {} canned replies already; remove one first",
                            canned::MAX_CANNED
                        ),
                    )
                    .into())
                }
                None => replies.push(reply.clone()),
            }
            Ok(reply)
        })
        .await
    }

    /// Removes a canned reply (removing one that is gone changes nothing).
    #[tracing::instrument(name = "support.delete_canned", skip_all)]
    pub async fn delete_canned(&self, _admin: &Admin, id: &str) -> Result<(), SupportError> {
        self.change_canned(|replies| {
            replies.retain(|r| r.id != id);
            Ok(())
        })
        .await
    }

    /// Reads the canned replies, lets `change` edit them, and writes them if no one else did
    /// meanwhile; else edits again on a fresh read.
    async fn change_canned<T>(
        &self,
        mut change: impl FnMut(&mut Vec<CannedReply>) -> Result<T, SupportError>,
    ) -> Result<T, SupportError> {
        for _ in 0..CHANGE_ATTEMPTS {
            let (mut replies, version) = table::canned(&self.store).await?;
            let out = change(&mut replies)?;
            if table::put_canned(&self.store, &replies, version).await? {
                return Ok(out);
            }
        }
        Err(SupportError::Busy)
    }
}
