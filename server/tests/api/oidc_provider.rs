//! The test harness's real OpenID Connect provider (npm `oidc-provider`, started from
//! `end2end/idp/provider.mjs` by Node), for the sign-in tests: its users and their passwords,
//! and a browser-like client that signs in through its pages.

use std::process::Stdio;

use reqwest::header::LOCATION;
use reqwest::{Client, Response, StatusCode};
use tokio::io::{AsyncBufReadExt, BufReader};

/// The provider's users (end2end/idp/provider.mjs): username, password, display name.
pub const HUB: (&str, &str, &str) = ("hub", "hub-password", "Hana Hub");
pub const DFSP1: (&str, &str, &str) = ("dfsp1", "dfsp1-password", "Dora DFSP1");
pub const DFSP2: (&str, &str, &str) = ("dfsp2", "dfsp2-password", "Dirk DFSP2");
pub const CLIENT_ID: &str = "connection-manager";
pub const CLIENT_SECRET: &str = "connection-manager-test-secret";

pub struct OidcProvider {
    pub issuer: String,
    _process: tokio::process::Child,
}

impl OidcProvider {
    /// Starts the provider for a Connection Manager at `public_url`.
    pub async fn start(public_url: &str) -> OidcProvider {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../end2end/idp/provider.mjs");
        let mut process = tokio::process::Command::new("node")
            .arg(script)
            .arg("--redirect-uri")
            .arg(format!("{public_url}/auth/callback"))
            .arg("--post-logout-redirect-uri")
            .arg(format!("{public_url}/sign-in?signed_out=1"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("node runs end2end/idp/provider.mjs (scripts/setup installs its packages)");
        let stdout = process.stdout.take().expect("the provider's stdout");
        let mut lines = BufReader::new(stdout).lines();
        let issuer = loop {
            match lines.next_line().await.expect("the provider's output") {
                Some(line) => {
                    if let Some(issuer) = line.strip_prefix("ready ") {
                        break issuer.to_owned();
                    }
                }
                None => panic!("the provider stopped before it was ready"),
            }
        };
        // Keep reading what it prints: a closed pipe would end it at its next line.
        crate::helpers::run_beside_servers(async move {
            while let Ok(Some(_)) = lines.next_line().await {}
        });
        OidcProvider {
            issuer,
            _process: process,
        }
    }
}

impl OidcProvider {
    /// The settings of a server at `port` that signs users in here.
    pub fn server_settings(&self, port: u16) -> Vec<(&'static str, String)> {
        vec![
            ("PORT", port.to_string()),
            ("AUTH_ENABLED", "true".into()),
            ("OAUTH2_ISSUER", self.issuer.clone()),
            ("APP_OAUTH_CLIENT_KEY", CLIENT_ID.into()),
            ("APP_OAUTH_CLIENT_SECRET", CLIENT_SECRET.into()),
            ("OAUTH2_SCOPES", "openid profile groups".into()),
        ]
    }
}

/// A browser: keeps cookies, and follows redirects one by one so that tests see each.
pub struct Browser {
    pub client: Client,
    jar: std::sync::Arc<reqwest::cookie::Jar>,
}

impl Browser {
    pub fn new() -> Browser {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        Browser {
            jar: jar.clone(),
            client: Client::builder()
                .cookie_provider(jar)
                .redirect(reqwest::redirect::Policy::none())
                .timeout(std::time::Duration::from_secs(30))
                .build()
                .expect("client"),
        }
    }

    /// The cookies the browser would send to `url`, as a `Cookie` header.
    pub fn cookies(&self, url: &str) -> String {
        use reqwest::cookie::CookieStore;
        self.jar
            .cookies(&url.parse().expect("a URL"))
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    }

    /// GETs `url` and follows redirects; returns the last response and the URLs visited.
    pub async fn visit(&self, url: &str) -> (Response, Vec<String>) {
        self.follow(self.client.get(url).send().await.expect("request"), url)
            .await
    }

    pub async fn follow(&self, mut response: Response, first: &str) -> (Response, Vec<String>) {
        let mut visited = vec![first.to_owned()];
        for _ in 0..20 {
            if !response.status().is_redirection() {
                return (response, visited);
            }
            let location = response.headers()[LOCATION].to_str().unwrap().to_owned();
            let next = response
                .url()
                .join(&location)
                .expect("a redirect URL")
                .to_string();
            visited.push(next.clone());
            response = self.client.get(&next).send().await.expect("request");
        }
        panic!("too many redirects: {visited:?}");
    }

    /// Opens `url` of the portal, signs in at the provider with `user`, and returns the page
    /// the portal shows afterwards and the URLs visited.
    pub async fn sign_in(&self, url: &str, user: (&str, &str, &str)) -> (Response, Vec<String>) {
        let (login_page, mut visited) = self.visit(url).await;
        assert_eq!(login_page.status(), StatusCode::OK, "{visited:?}");
        // A browser the provider still knows is signed in there without the form.
        if !login_page.url().path().starts_with("/interaction/") {
            return (login_page, visited);
        }
        let form_url = format!("{}/login", login_page.url());
        let html = login_page.text().await.unwrap();
        assert!(
            html.contains("name=\"password\""),
            "not the sign-in form: {html}"
        );
        let answer = self
            .client
            .post(&form_url)
            .form(&[("username", user.0), ("password", user.1)])
            .send()
            .await
            .expect("sign-in form");
        let (page, rest) = self.follow(answer, &form_url).await;
        visited.extend(rest);
        (page, visited)
    }
}
