//! Expiry alerts, sent: every `EXPIRY_CHECK_INTERVAL` each replica asks the domain for the
//! alerts it is to send (the database makes sure one replica sends each, once), logs each, and
//! posts it as one JSON object to `ALERT_WEBHOOK_URL` when that is set, trying a few times
//! before it reports a failure (which the domain tries again later, with a backoff).

use std::time::Duration;

use domain::inventory::ExpiryAlert;
use domain::Services;
use serde::Serialize;

/// Sends the alerts of one replica.
#[derive(Clone)]
pub struct ExpiryAlerter {
    client: crate::http_client::LazyClient,
    webhook: Option<String>,
    /// The address the portal links are made absolute with (`PUBLIC_URL`), if known.
    public_url: Option<String>,
    /// This replica's name in the alerts it claims.
    sender: String,
    /// The pause before the second try of a send; it doubles for the third.
    retry_pause: Duration,
}

/// Tries of one send before the failure is recorded.
const TRIES: u32 = 3;

/// The JSON object posted for an alert.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct AlertEvent<'a> {
    event: &'static str,
    /// For people, in one sentence.
    message: String,
    threshold_days: u32,
    environment: EnvironmentRef<'a>,
    certificate: &'a domain::inventory::InventoryCertificate,
    /// The portal page that keeps the certificate.
    link: String,
}

#[derive(Debug, Serialize)]
struct EnvironmentRef<'a> {
    id: i64,
    name: &'a str,
}

impl ExpiryAlerter {
    pub fn new(webhook: Option<String>, public_url: Option<String>) -> ExpiryAlerter {
        // Only a name: a failure leaves it zeros, and the process id still tells replicas apart
        // on one host.
        let random = domain::random::bytes::<6>().unwrap_or_default();
        let suffix: String = random.iter().map(|b| format!("{b:02x}")).collect();
        ExpiryAlerter {
            client: crate::http_client::LazyClient::new(|| {
                reqwest::Client::builder()
                    .timeout(Duration::from_secs(10))
                    .build()
                    .unwrap_or_default()
            }),
            webhook,
            public_url,
            sender: format!("{}-{suffix}", std::process::id()),
            retry_pause: Duration::from_secs(2),
        }
    }

    /// The same alerter, pausing `pause` before its second try (tests keep it short).
    pub fn with_retry_pause(mut self, pause: Duration) -> ExpiryAlerter {
        self.retry_pause = pause;
        self
    }

    /// Sends what is due now; how many alerts were delivered.
    pub async fn run_once(&self, services: &Services) -> Result<usize, domain::DomainError> {
        let alerts = services.expiry_alerts().claim_due(&self.sender).await?;
        let mut delivered = 0;
        for alert in alerts {
            match self.deliver(&alert).await {
                Ok(()) => {
                    services.expiry_alerts().record_sent(&alert).await?;
                    delivered += 1;
                }
                Err(error) => {
                    tracing::warn!(alert = alert.id, %error, "an expiry alert could not be sent; it is tried again later");
                    services
                        .expiry_alerts()
                        .record_failure(&alert, &error)
                        .await?;
                }
            }
        }
        Ok(delivered)
    }

    async fn deliver(&self, alert: &ExpiryAlert) -> Result<(), String> {
        let certificate = &alert.certificate;
        let owner = match certificate.owner.as_str() {
            domain::inventory::HUB_OWNER => "the Hub".to_owned(),
            dfsp => format!("DFSP {dfsp}"),
        };
        let event = AlertEvent {
            event: "certificate.expiring",
            message: format!(
                "The {} {} of {owner} in environment {} expires in {} day{} ({}).",
                certificate.kind.label(),
                certificate.subject,
                alert.environment_name,
                certificate.days_left,
                if certificate.days_left == 1 { "" } else { "s" },
                certificate.not_after
            ),
            threshold_days: alert.threshold_days,
            environment: EnvironmentRef {
                id: alert.env_id.get(),
                name: &alert.environment_name,
            },
            certificate,
            link: format!(
                "{}{}",
                self.public_url.as_deref().unwrap_or_default(),
                app::urls::inventoried_certificate(alert.env_id, certificate)
            ),
        };
        tracing::warn!(
            environment = %alert.env_id,
            certificate = %certificate.id,
            subject = %certificate.subject,
            days_left = certificate.days_left,
            threshold_days = alert.threshold_days,
            "{}",
            event.message
        );
        let Some(webhook) = &self.webhook else {
            return Ok(());
        };
        let mut pause = self.retry_pause;
        let mut last = String::new();
        for attempt in 1..=TRIES {
            match self.client.get().post(webhook).json(&event).send().await {
                Ok(response) if response.status().is_success() => return Ok(()),
                Ok(response) => last = format!("the webhook answered {}", response.status()),
                Err(error) => last = format!("the webhook could not be reached: {error}"),
            }
            if attempt < TRIES {
                tokio::time::sleep(pause).await;
                pause *= 2;
            }
        }
        Err(last)
    }
}

/// Checks every `interval`, starting one interval after start-up, until the server stops.
pub async fn check_periodically(services: Services, alerter: ExpiryAlerter, interval: Duration) {
    let start = tokio::time::Instant::now() + interval;
    let mut every = tokio::time::interval_at(start, interval);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        match alerter.run_once(&services).await {
            Ok(0) => {}
            Ok(n) => tracing::info!("{n} expiry alert(s) sent"),
            Err(error) => tracing::warn!("the expiry check failed: {error}"),
        }
    }
}
