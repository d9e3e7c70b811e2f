//! The async shell of a streamed response: pull chunks, push into the decoder, pop events.
