//! Footprint floor: one POST with reqwest + rustls (ring).
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let endpoint = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:1".into());
    let client = reqwest::Client::builder().build()?;
    let mut resp = client.post(endpoint).body("{}").send().await?;
    while let Some(chunk) = resp.chunk().await? {
        println!("{}", chunk.len());
    }
    Ok(())
}
