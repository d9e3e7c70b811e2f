//! Conversation-shape normalizations (each reported as a [`Warning`]):
//!
//! 1. reasoning without a signature is dropped (replaying it is refused or leaks it);
//! 2. blank text parts are dropped (Bedrock rejects them);
//! 3. an empty tool result gets a placeholder text (Bedrock rejects empty ones);
//! 4. turns left empty (or holding only cache points) are dropped;
//! 5. consecutive turns of the same role are merged (Converse needs alternation);
//! 6. in a user turn, tool results come first (other parts keep their order);
//! 7. a final assistant turn (prefill) loses its trailing whitespace.

use crate::model::{ContentPart, Message, Role, ToolResultContent};

use super::Warning;

/// Placeholder sent for a tool result with no content.
pub const EMPTY_TOOL_RESULT_TEXT: &str = "(no output)";

pub(crate) fn normalize(messages: Vec<Message>, warnings: &mut Vec<Warning>) -> Vec<Message> {
    let mut blank = 0usize;
    let mut unsigned = 0usize;
    let mut out: Vec<(usize, Message)> = Vec::with_capacity(messages.len());
    for (i, mut m) in messages.into_iter().enumerate() {
        m.content.retain(|p| match p {
            ContentPart::Text { text } if text.trim().is_empty() => {
                blank += 1;
                false
            }
            ContentPart::Reasoning { signature, .. }
                if signature.as_deref().is_none_or(str::is_empty) =>
            {
                unsigned += 1;
                false
            }
            _ => true,
        });
        for p in &mut m.content {
            if let ContentPart::ToolResult {
                tool_use_id,
                content,
                ..
            } = p
            {
                content.retain(
                    |c| !matches!(c, ToolResultContent::Text { text } if text.trim().is_empty()),
                );
                if content.is_empty() {
                    content.push(ToolResultContent::Text {
                        text: EMPTY_TOOL_RESULT_TEXT.to_owned(),
                    });
                    warnings.push(Warning::EmptyToolResultFilled {
                        tool_use_id: tool_use_id.clone(),
                    });
                }
            }
        }
        if m.content
            .iter()
            .all(|p| matches!(p, ContentPart::CachePoint { .. }))
        {
            warnings.push(Warning::EmptyTurnDropped { message: i });
            continue;
        }
        out.push((i, m));
    }
    if blank > 0 {
        warnings.push(Warning::BlankTextDropped { count: blank });
    }
    if unsigned > 0 {
        warnings.push(Warning::UnsignedReasoningDropped { count: unsigned });
    }

    // Merge consecutive same-role turns.
    let mut merged: Vec<Message> = Vec::with_capacity(out.len());
    for (i, m) in out {
        match merged.last_mut() {
            Some(prev) if prev.role == m.role => {
                warnings.push(Warning::ConsecutiveTurnsMerged {
                    message: i,
                    role: m.role,
                });
                prev.content.extend(m.content);
            }
            _ => merged.push(m),
        }
    }

    // Tool results first in user turns.
    for (i, m) in merged.iter_mut().enumerate() {
        if m.role != Role::User {
            continue;
        }
        let is_result = |p: &ContentPart| matches!(p, ContentPart::ToolResult { .. });
        let first_other = m.content.iter().position(|p| !is_result(p));
        let misplaced = first_other.is_some_and(|k| m.content.iter().skip(k).any(is_result));
        if misplaced {
            let (results, others): (Vec<_>, Vec<_>) = std::mem::take(&mut m.content)
                .into_iter()
                .partition(|p| is_result(p));
            m.content = results;
            m.content.extend(others);
            warnings.push(Warning::ToolResultsMovedFirst { message: i });
        }
    }

    // Prefill: the final assistant turn must not end in whitespace.
    if let Some(last) = merged.last_mut().filter(|m| m.role == Role::Assistant) {
        let text_at = last
            .content
            .iter()
            .rposition(|p| !matches!(p, ContentPart::CachePoint { .. }));
        if let Some(k) = text_at
            && let Some(ContentPart::Text { text }) = last.content.get_mut(k)
        {
            let trimmed = text.trim_end().len();
            if trimmed < text.len() {
                text.truncate(trimmed);
                warnings.push(Warning::PrefillTrimmed);
            }
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_reorders_and_trims() {
        let msgs = vec![
            Message::user("a"),
            Message::new(
                Role::User,
                vec![
                    ContentPart::text("b"),
                    ContentPart::tool_result("t1", "r"),
                    ContentPart::text("  "),
                ],
            ),
            Message::assistant("prefill \n"),
        ];
        let mut w = Vec::new();
        let out = normalize(msgs, &mut w);
        assert_eq!(out.len(), 2);
        assert_eq!(
            out[0].content,
            vec![
                ContentPart::tool_result("t1", "r"),
                ContentPart::text("a"),
                ContentPart::text("b")
            ]
        );
        assert_eq!(out[1].content, vec![ContentPart::text("prefill")]);
        assert_eq!(
            w,
            vec![
                Warning::BlankTextDropped { count: 1 },
                Warning::ConsecutiveTurnsMerged {
                    message: 1,
                    role: Role::User
                },
                Warning::ToolResultsMovedFirst { message: 0 },
                Warning::PrefillTrimmed,
            ]
        );
    }
}
