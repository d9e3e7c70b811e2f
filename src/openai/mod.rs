//! OpenAI chat.completions JSON, both ways.
