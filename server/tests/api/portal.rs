//! The portal as a browser without JavaScript sees it: server-rendered pages, deep links, and
//! plain HTML form posts to the server functions.

use reqwest::header::{ACCEPT, LOCATION, REFERER};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(
    pages_render_and_deep_links_work,
    forms_work_without_javascript,
    concurrent_page_loads_all_complete,
    network_pages_and_forms_work_without_javascript,
    certificate_pages_and_forms_work_without_javascript,
);

/// A page in an environment reads its data once per request. The environment's frame waits in a
/// `<Transition>` that walks its children for resource reads before rendering them, and the walk
/// built the page: each page was built twice, its data read twice (`components::built_once`). Counted
/// from the statements the server logs, in a process of its own so that no other test's reads
/// are counted.
#[tokio::test]
async fn a_page_reads_its_data_once() {
    const DFSP_LIST: &str = "FROM dfsps WHERE env_id = ? ORDER BY id";
    const ZONE_LIST: &str = "FROM monetary_zones WHERE is_active = 1";
    // The header's switcher and the environment's frame share one list of environments.
    const ENVIRONMENT_LIST: &str = "FROM environments ORDER BY id";
    const ENVIRONMENT_ROW: &str = "l FROM environments WHERE id = ?";
    let server = ServerProcess::start(&[
        ("LOG_FORMAT", "json"),
        ("RUST_LOG", "warn,sqlx::query=debug"),
    ])
    .await;
    let client = reqwest::Client::new();
    let environment: serde_json::Value = client
        .post(server.url("/api/environments"))
        .json(&json!({"name": "DEV", "defaultDN": {"CN": "hub.example.com"}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let page = client
        .get(server.url(&format!("/environments/{}/dfsps", environment["id"])))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("No DFSPs in this environment yet"));
    // The resources of a page built and thrown away ran on after the answer.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    // One environment read by itself, so that its statement is known to show in the log.
    let by_id = client
        .get(server.url(&format!("/api/environments/{}", environment["id"])))
        .send()
        .await
        .unwrap();
    assert_eq!(by_id.status(), StatusCode::OK);
    let log = server.stop().await;
    // From the environment's creation on (start-up reads the monetary zones too).
    let count = |statement: &str| {
        log.lines()
            .skip_while(|line| !line.contains("INSERT INTO environments"))
            .filter(|line| line.contains(statement))
            .count()
    };
    assert_eq!(
        (count(DFSP_LIST), count(ZONE_LIST)),
        (1, 1),
        "the DFSP list and the monetary zones, read once each:\n{log}"
    );
    assert_eq!(
        (count(ENVIRONMENT_LIST), count(ENVIRONMENT_ROW)),
        (1, 1),
        "the environments read once for the header and the frame, the one row by the API:\n{log}"
    );
}

async fn network_pages_and_forms_work_without_javascript(backend: Backend) {
    let app = spawn(backend).await;
    let env = app.create_environment("DEV").await;
    app.create_dfsp(env, json!({"dfspId": "DFSP 1", "name": "One"}))
        .await;
    let env_field = env.to_string();
    let hub_page = format!("/environments/{env}/network");
    let page = html(&app, &hub_page, StatusCode::OK).await;
    assert!(
        page.contains("Hub network") && page.contains("No ingress URL yet"),
        "{page}"
    );

    // The Hub adds an ingress URL; a bad range comes back with the message for its field.
    post_form(
        &app,
        "network/create",
        &hub_page,
        &[
            ("env_id", &env_field),
            ("form[kind]", "IngressUrl"),
            ("form[url]", "https://hub.example.com/fsp"),
            ("form[address]", ""),
            ("form[ports]", ""),
        ],
    )
    .await;
    let location = post_form(
        &app,
        "network/create",
        &hub_page,
        &[
            ("env_id", &env_field),
            ("form[kind]", "EgressIp"),
            ("form[address]", "10.1.2.3/8"),
            ("form[ports]", "443"),
            ("form[url]", ""),
        ],
    )
    .await;
    let page = html(&app, location.trim_start_matches(&app.base), StatusCode::OK).await;
    assert!(
        page.contains("has host bits set; the range is 10.0.0.0/8"),
        "{page}"
    );
    let page = html(&app, &hub_page, StatusCode::OK).await;
    assert!(page.contains("https://hub.example.com/fsp"), "{page}");
    assert_eq!(app.db.count("endpoint_items").await, 1);

    // The DFSP adds three endpoints; ports are one comma-separated text.
    let dfsp_page = format!("/environments/{env}/dfsps/DFSP%201/endpoints");
    for (kind, address, ports, url) in [
        ("IngressIp", "163.10.5.0/24", "443, 8000-8080", ""),
        ("EgressIp", "163.10.6.7", "443", ""),
        ("IngressUrl", "", "", "https://dfsp1.example.com"),
    ] {
        post_form(
            &app,
            "network/create",
            &dfsp_page,
            &[
                ("env_id", &env_field),
                ("dfsp_id", "DFSP 1"),
                ("form[kind]", kind),
                ("form[address]", address),
                ("form[ports]", ports),
                ("form[url]", url),
            ],
        )
        .await;
    }
    let page = html(&app, &dfsp_page, StatusCode::OK).await;
    assert!(
        page.contains("ports 443, 8000-8080") && page.contains("Awaiting confirmation"),
        "{page}"
    );
    html(
        &app,
        &format!("/environments/{env}/dfsps/Nobody/endpoints"),
        StatusCode::NOT_FOUND,
    )
    .await;

    // The Hub confirms two of the three from the list (the unchecked one leaves a gap).
    let unprocessed_page = format!("/environments/{env}/network/unprocessed");
    let page = html(&app, &unprocessed_page, StatusCode::OK).await;
    assert!(
        page.contains("Endpoints to confirm") && page.contains("DFSP 1"),
        "{page}"
    );
    let items = expect_json(
        app.get(&format!(
            "/api/environments/{env}/dfsps/endpoints/unprocessed"
        ))
        .await,
        StatusCode::OK,
    )
    .await;
    let key = |i: usize| format!("{}:{}:DFSP 1", items[i]["version"], items[i]["id"]);
    let (first, third) = (key(0), key(2));
    post_form(
        &app,
        "network/confirm_selected",
        &unprocessed_page,
        &[
            ("env_id", &env_field),
            ("selected[0]", &first),
            ("selected[2]", &third),
        ],
    )
    .await;
    let left = expect_json(
        app.get(&format!(
            "/api/environments/{env}/dfsps/endpoints/unprocessed"
        ))
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(left.as_array().unwrap().len(), 1);
    assert_eq!(left[0]["id"], items[1]["id"]);

    // Confirming what changed since the list was loaded confirms nothing.
    let stale = format!("1:{}:DFSP 1", items[1]["id"]);
    app.put_json(
        &format!(
            "/api/environments/{env}/dfsps/DFSP%201/endpoints/{}",
            items[1]["id"]
        ),
        &json!({"value": {"address": "163.10.6.8", "ports": ["443"]}}),
    )
    .await;
    let location = post_form(
        &app,
        "network/confirm_selected",
        &unprocessed_page,
        &[("env_id", &env_field), ("selected[0]", &stale)],
    )
    .await;
    let page = html(&app, location.trim_start_matches(&app.base), StatusCode::OK).await;
    assert!(page.contains("changed since the list was loaded"), "{page}");
    assert_eq!(
        expect_json(
            app.get(&format!(
                "/api/environments/{env}/dfsps/endpoints/unprocessed"
            ))
            .await,
            StatusCode::OK
        )
        .await
        .as_array()
        .unwrap()
        .len(),
        1
    );
}

/// Server and JWS certificates uploaded, shown and removed through the portal's forms alone.
async fn certificate_pages_and_forms_work_without_javascript(backend: Backend) {
    use crate::certs::{ca, rsa, tls};
    let app = spawn(backend).await;
    let env = app.create_environment("DEV").await;
    for (id, zone) in [("DFSP 1", "EUR"), ("DFSP2", "EUR"), ("DFSP3", "MAD")] {
        app.create_dfsp(
            env,
            json!({"dfspId": id, "name": id, "monetaryZoneId": zone}),
        )
        .await;
    }
    let env_field = env.to_string();
    let root = ca("Bank Root", None, None);
    let jws_page = format!("/environments/{env}/dfsps/DFSP%201/jws");
    let page = html(&app, &jws_page, StatusCode::OK).await;
    assert!(page.contains("No JWS certificate yet"), "{page}");

    // Each DFSP's JWS certificate, uploaded with the form.
    for (dfsp, cn) in [
        ("DFSP 1", "One JWS"),
        ("DFSP2", "Two JWS"),
        ("DFSP3", "Three JWS"),
    ] {
        let certificate = tls(cn, &rsa(2048), &root, "clientAuth");
        let location = post_form(
            &app,
            "certificates/store",
            &jws_page,
            &[
                ("env_id", env_field.as_str()),
                ("kind", "DfspJws"),
                ("dfsp_id", dfsp),
                ("form[certificate]", certificate.as_str()),
                ("form[chain]", ""),
                ("form[root]", root.pem().as_str()),
            ],
        )
        .await;
        assert!(!location.contains("__err="), "{location}");
    }
    // The page shows the DFSP's own and its zone's peers', not those of another zone.
    let page = html(&app, &jws_page, StatusCode::OK).await;
    assert!(
        page.contains("One JWS") && page.contains("Two JWS"),
        "{page}"
    );
    assert!(
        !page.contains("Three JWS"),
        "another zone's JWS certificate is shown"
    );
    assert!(page.contains("passed every check"), "{page}");

    // A refused upload comes back with the error under its field; nothing changes.
    let server_page = format!("/environments/{env}/dfsps/DFSP%201/server-certificate");
    let location = post_form(
        &app,
        "certificates/store",
        &server_page,
        &[
            ("env_id", env_field.as_str()),
            ("kind", "DfspServer"),
            ("dfsp_id", "DFSP 1"),
            ("form[certificate]", "garbage"),
        ],
    )
    .await;
    let page = html(&app, location.trim_start_matches(&app.base), StatusCode::OK).await;
    assert!(page.contains("is not a PEM or DER certificate"), "{page}");
    assert_eq!(app.db.count("dfsp_server_certs").await, 0);

    // The Hub's server certificate, stored and removed.
    let hub_page = format!("/environments/{env}/server-certificates");
    let server = tls("hub.example.com", &rsa(4096), &root, "serverAuth");
    post_form(
        &app,
        "certificates/store",
        &hub_page,
        &[
            ("env_id", env_field.as_str()),
            ("kind", "HubServer"),
            ("form[certificate]", server.as_str()),
            ("form[root]", root.pem().as_str()),
        ],
    )
    .await;
    let page = html(&app, &hub_page, StatusCode::OK).await;
    assert!(
        page.contains("hub.example.com") && page.contains("passed every check"),
        "{page}"
    );
    post_form(
        &app,
        "certificates/delete",
        &hub_page,
        &[("env_id", env_field.as_str()), ("kind", "HubServer")],
    )
    .await;
    assert_eq!(app.db.count("hub_server_certs").await, 0);
    let page = html(&app, &hub_page, StatusCode::OK).await;
    assert!(page.contains("No server certificate yet"), "{page}");
}

async fn html(app: &TestApp, path: &str, status: StatusCode) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status(), status, "{path}");
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"),
        "{path}"
    );
    response.text().await.unwrap()
}

/// The environments in the header's menu marked `aria-current="page"` (their links).
fn current_in_switcher(page: &str) -> Vec<String> {
    let start = page
        .find(r#"data-testid="environment-switcher""#)
        .expect("the page has an environment menu");
    let menu = &page[start..start + page[start..].find("</details>").unwrap()];
    // The list of environments, not the menu's "All environments" link below it.
    let list = &menu[menu.find("<ul").unwrap()..menu.find("</ul>").unwrap()];
    list.split("<a ")
        .skip(1)
        .map(|link| &link[..link.find('>').unwrap()])
        .filter(|attributes| attributes.contains(r#"aria-current="page""#))
        .map(|attributes| {
            let href = &attributes[attributes.find(r#"href=""#).unwrap() + 6..];
            href[..href.find('"').unwrap()].to_owned()
        })
        .collect()
}

/// Posts a form the way a browser does without JavaScript, returning the redirect target.
async fn post_form(
    app: &TestApp,
    function: &str,
    referer: &str,
    fields: &[(&str, &str)],
) -> String {
    let response = app
        .client
        .post(app.url(&format!("/rpc/{function}")))
        .header(ACCEPT, "text/html,application/xhtml+xml")
        .header(REFERER, app.url(referer))
        .form(fields)
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST {function}: {e}"));
    assert_eq!(response.status(), StatusCode::FOUND, "{function}");
    // Leptos leaves a bare `?` where it removed an earlier error from the URL.
    response.headers()[LOCATION]
        .to_str()
        .unwrap()
        .trim_end_matches('?')
        .to_owned()
}

async fn pages_render_and_deep_links_work(backend: Backend) {
    let app = spawn(backend).await;
    let root = app
        .client
        .get(app.url("/"))
        .header(ACCEPT, "text/html")
        .send()
        .await
        .unwrap();
    assert!(root.status().is_redirection(), "{}", root.status());
    assert_eq!(root.headers()[LOCATION], "/environments");

    let empty = html(&app, "/environments", StatusCode::OK).await;
    assert!(empty.contains("No environments yet"), "{empty}");
    assert!(empty.contains("Authentication is disabled"));

    let env = app.create_environment("Pre-production").await;
    app.create_dfsp(
        env,
        json!({"dfspId": "DFSP Bob", "name": "Bob's bank", "monetaryZoneId": "EUR"}),
    )
    .await;
    let list = html(&app, "/environments", StatusCode::OK).await;
    assert!(list.contains("Pre-production"));
    // The header's environment menu marks the environment a page is in, and only that one.
    let other = app.create_environment("Production").await;
    assert_eq!(current_in_switcher(&list), Vec::<String>::new());
    for (path, current) in [
        (format!("/environments/{env}/dfsps"), env),
        (format!("/environments/{other}"), other),
    ] {
        let page = html(&app, &path, StatusCode::OK).await;
        assert_eq!(
            current_in_switcher(&page),
            [format!("/environments/{current}")],
            "{path}"
        );
    }
    let page = html(&app, &format!("/environments/{env}"), StatusCode::OK).await;
    assert!(
        page.contains("Pre-production") && page.contains("1 DFSP."),
        "{page}"
    );
    let dfsps = html(&app, &format!("/environments/{env}/dfsps"), StatusCode::OK).await;
    assert!(
        dfsps.contains("Bob&#x27;s bank") || dfsps.contains("Bob's bank"),
        "{dfsps}"
    );
    assert!(dfsps.contains("EUR - Euro"));
    assert!(dfsps.contains(&format!("/environments/{env}/dfsps/DFSP%20Bob")));
    let dfsp = html(
        &app,
        &format!("/environments/{env}/dfsps/DFSP%20Bob"),
        StatusCode::OK,
    )
    .await;
    assert!(dfsp.contains("Application/DFSP:DFSP-Bob"));

    for missing in [
        "/environments/999".to_owned(),
        "/environments/abc/dfsps".to_owned(),
        format!("/environments/{env}/dfsps/Nobody"),
        "/no/such/page".to_owned(),
    ] {
        html(&app, &missing, StatusCode::NOT_FOUND).await;
    }
}

async fn forms_work_without_javascript(backend: Backend) {
    let app = spawn(backend).await;
    let location = post_form(
        &app,
        "environments/create",
        "/environments",
        &[
            ("form[name]", "DEV"),
            ("form[cn]", "hub.example.com"),
            ("form[o]", ""),
            ("form[ou]", ""),
            ("form[l]", ""),
            ("form[st]", ""),
            ("form[c]", "us"),
        ],
    )
    .await;
    assert_eq!(location, app.url("/environments"));
    let envs = expect_json(app.get("/api/environments").await, StatusCode::OK).await;
    assert_eq!(
        envs[0]["defaultDN"],
        json!({"CN":"hub.example.com","O":null,"OU":null,"C":"US","ST":null,"L":null})
    );
    let env = envs[0]["id"].as_i64().unwrap();

    // A refused form comes back to the page with the error, which the page then shows.
    let location = post_form(
        &app,
        "environments/create",
        "/environments",
        &[("form[name]", "  "), ("form[c]", "USA")],
    )
    .await;
    assert!(location.contains("__err="), "{location}");
    let page = html(&app, location.trim_start_matches(&app.base), StatusCode::OK).await;
    assert!(page.contains("must not be blank"), "{page}");
    assert_eq!(app.db.count("environments").await, 1);

    let dfsps = format!("/environments/{env}/dfsps");
    let env_field = env.to_string();
    let add = [
        ("env_id", env_field.as_str()),
        ("dfsp_id", "DFSP1"),
        ("form[name]", "One"),
        ("form[monetary_zone_id]", "MAD"),
        ("form[security_group]", ""),
    ];
    post_form(&app, "dfsps/create", &dfsps, &add).await;
    let location = post_form(&app, "dfsps/create", &dfsps, &add).await;
    let page = html(&app, location.trim_start_matches(&app.base), StatusCode::OK).await;
    assert!(page.contains("already exists"), "{page}");

    // Called by the hydrated page (no text/html), a refusal has its own status and the error.
    let response = app
        .client
        .post(app.url("/rpc/dfsps/create"))
        .form(&add)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let error: serde_json::Value = response.json().await.unwrap();
    assert!(
        error["Domain"]["Conflict"]
            .as_str()
            .unwrap()
            .contains("already exists"),
        "{error}"
    );

    let update = [
        ("env_id", env_field.as_str()),
        ("dfsp_id", "DFSP1"),
        ("form[name]", "Uno"),
        ("form[monetary_zone_id]", ""),
        ("form[security_group]", "Custom/Group"),
        // The checkbox as a browser sends it when checked, and codes in any case.
        ("form[is_proxy]", "true"),
        ("form[fxp_currencies]", "usd, xof"),
    ];
    post_form(&app, "dfsps/update", &format!("{dfsps}/DFSP1"), &update).await;
    let dfsp = expect_json(
        app.get(&format!("/api/environments/{env}/dfsps/DFSP1"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        dfsp,
        json!({"envId": env, "id": "DFSP1", "name": "Uno", "securityGroup": "Custom/Group",
               "isProxy": true, "fxpCurrencies": ["USD", "XOF"]})
    );
    // An unchecked checkbox is not sent: not a proxy.
    let unchecked: Vec<(&str, &str)> = update
        .iter()
        .copied()
        .filter(|(name, _)| *name != "form[is_proxy]")
        .collect();
    post_form(&app, "dfsps/update", &format!("{dfsps}/DFSP1"), &unchecked).await;
    let dfsp = expect_json(
        app.get(&format!("/api/environments/{env}/dfsps/DFSP1"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(dfsp["isProxy"], false);

    let location = post_form(
        &app,
        "dfsps/delete",
        &format!("{dfsps}/DFSP1"),
        &[("env_id", &env_field), ("dfsp_id", "DFSP1")],
    )
    .await;
    assert!(
        location.ends_with(&dfsps),
        "after deleting, the DFSP list: {location}"
    );
    let location = post_form(
        &app,
        "environments/delete",
        &format!("/environments/{env}"),
        &[("id", &env_field)],
    )
    .await;
    assert!(location.ends_with("/environments"), "{location}");
    assert_eq!(app.db.count("environments").await, 0);
}

/// Many pages rendered at once must all finish: a page that reads its data outside a suspense
/// boundary once left some renders waiting forever under load.
async fn concurrent_page_loads_all_complete(backend: Backend) {
    let app = spawn(backend).await;
    let env = app.create_environment("DEV").await;
    app.create_dfsp(
        env,
        json!({"dfspId": "A", "name": "A", "monetaryZoneId": "EUR"}),
    )
    .await;
    let pages = [
        "/environments".to_owned(),
        format!("/environments/{env}"),
        format!("/environments/{env}/dfsps"),
        format!("/environments/{env}/dfsps/A"),
        "/environments/999".to_owned(),
    ];
    use futures_util::StreamExt;
    let requests = (0..600).map(|i| {
        let url = app.url(&pages[i % pages.len()]);
        let client = app.client.clone();
        async move {
            let response = client.get(&url).header(ACCEPT, "text/html").send().await?;
            let status = response.status();
            response.text().await.map(|_| status)
        }
    });
    let statuses: Vec<_> = futures_util::stream::iter(requests)
        .buffer_unordered(16)
        .collect()
        .await;
    for status in statuses {
        let status = status.expect("every page load completes");
        assert!(
            status == StatusCode::OK || status == StatusCode::NOT_FOUND,
            "{status}"
        );
    }
}

/// The build (scripts/build) puts brotli and gzip copies beside each of the portal's assets; the
/// server sends the one the browser accepts, and the original to one that accepts neither.
#[tokio::test]
async fn assets_go_out_compressed_when_the_browser_accepts_it() {
    let site = tempfile_dir("site");
    let pkg = site.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("bundle.wasm"), b"\0asm original").unwrap();
    std::fs::write(pkg.join("bundle.wasm.gz"), b"gzip copy").unwrap();
    std::fs::write(pkg.join("bundle.wasm.br"), b"brotli copy").unwrap();
    let app = spawn_with(
        Backend::Sqlite,
        &[("LEPTOS_SITE_ROOT", site.to_str().unwrap())],
    )
    .await;

    for (accepts, encoding, body) in [
        ("gzip, deflate, br", Some("br"), &b"brotli copy"[..]),
        ("gzip", Some("gzip"), b"gzip copy"),
        ("identity", None, b"\0asm original"),
    ] {
        let response = app
            .client
            .get(app.url("/pkg/bundle.wasm"))
            .header(reqwest::header::ACCEPT_ENCODING, accepts)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{accepts}");
        let headers = response.headers().clone();
        assert_eq!(
            headers
                .get(reqwest::header::CONTENT_ENCODING)
                .map(|v| v.to_str().unwrap()),
            encoding,
            "{accepts}"
        );
        assert_eq!(headers[reqwest::header::CONTENT_TYPE], "application/wasm");
        assert_eq!(headers[reqwest::header::VARY], "accept-encoding");
        assert_eq!(response.bytes().await.unwrap(), body, "{accepts}");
    }
    let _ = std::fs::remove_dir_all(site);
}
