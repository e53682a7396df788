//! The integrity check card: starts a check (or a check and repair) and shows how it went, from
//! the console's overview (read again every few seconds).

use super::parts::{Facts, Kind, Overview, Row, Time};
use crate::browser;
use crate::components::ErrorMessage;
use crate::error::AppError;
use crate::i18n::{t, Text};
use leptos::prelude::*;
use photoshare_domain::views::{FsckReport, FsckRun};

/// Starts a check (`repair`: and repair) in the background (admins). The console's overview
/// follows it.
#[server(prefix = "/api/sf", endpoint = "start_fsck", protocol = crate::sf::Sf)]
pub async fn start_fsck(repair: bool) -> Result<(), AppError> {
    let (s, admin) = crate::session::ssr::admin().await?;
    s.media.fsck().start(repair, &admin)?;
    Ok(())
}

#[component]
pub(super) fn FsckCard(run: Memo<Option<FsckRun>>, overview: Overview) -> AnyView {
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let start = move |repair: bool| {
        if repair
            && !browser::confirm(t("Check every object and repair what can be repaired? Copies are fetched again from S3 or from this node, and broken files are moved aside."))
        {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match start_fsck(repair).await {
                Ok(()) => {
                    error.set(None);
                    overview.load().await;
                }
                Err(e) => error.set(Some(e.text())),
            }
            busy.set(false);
        });
    };
    let running = move || run.with(|r| r.as_ref().is_some_and(|r| r.running));
    view! {
        <section class="card" aria-labelledby="fsck-title" data-testid="fsck-card">
            <h2 id="fsck-title">{move || t("Integrity check")}</h2>
            <p class="hint">{move || t("Compares every stored object with its name, on this node and in S3.")}</p>
            {move || run.get().map(|r| view! { <FsckResult run=r /> })}
            <div class="card-actions">
                <button type="button" class="button" disabled=move || busy.get() || running() on:click=move |_| start(false) data-testid="fsck-check">
                    {move || t("Check now")}
                </button>
                <button type="button" class="button" disabled=move || busy.get() || running() on:click=move |_| start(true) data-testid="fsck-repair">
                    {move || t("Check and repair")}
                </button>
            </div>
            <ErrorMessage message=error />
        </section>
    }
    .into_any()
}

#[component]
fn FsckResult(run: FsckRun) -> impl IntoView {
    let Some(started) = run.started_at else {
        return view! { <p class="hint">{move || t("Not run from the console on this node yet.")}</p> }.into_any();
    };
    if run.running {
        return view! {
            <p class="status" role="status" data-testid="fsck-running">
                {move || t("Checking…")} " " <Time at=started />
            </p>
        }
        .into_any();
    }
    let repair = run.repair;
    let mut rows = vec![Row::of(|| t("Started"), started).kind(Kind::At)];
    if let Some(at) = run.finished_at {
        rows.push(Row::of(|| t("Finished"), at).kind(Kind::At));
    }
    rows.push(Row::new(
        || t("Mode"),
        move || {
            if repair {
                t("Check and repair")
            } else {
                t("Check only")
            }
            .into()
        },
    ));
    if let Some(r) = &run.report {
        rows.push(Row::of(|| t("Objects checked"), r.objects_checked));
        rows.push(Row::of(|| t("Problems"), r.problems()).id("fsck-problems"));
        if repair {
            rows.push(Row::of(|| t("Repaired"), r.repaired));
        }
    }
    view! {
        <Facts rows=rows id="fsck-result" />
        {run.report.map(|r| view! { <FsckProblems report=r /> })}
        {run.error.map(|e| view! { <p class="error" role="alert">{e}</p> })}
    }
    .into_any()
}

/// One row per kind of problem found, each opening to the objects' hashes.
#[component]
fn FsckProblems(report: FsckReport) -> impl IntoView {
    if report.problems() == 0 {
        return view! { <p class="ok-text" data-testid="fsck-clean">{move || t("No problems found.")}</p> }.into_any();
    }
    let kinds: [(Text, Vec<String>); 7] = [
        (
            || t("Lost: the only copy is missing or damaged"),
            report.lost,
        ),
        (|| t("Damaged copies on this node"), report.corrupt_local),
        (|| t("Missing from this node"), report.missing_local),
        (|| t("Missing from S3"), report.missing_in_s3),
        (|| t("Damaged copies in S3"), report.corrupt_in_s3),
        (
            || t("Files on this node nothing refers to"),
            report.orphaned_local,
        ),
        (
            || t("Objects in S3 nothing refers to"),
            report.orphaned_in_s3,
        ),
    ];
    view! {
        <ul class="problems" data-testid="fsck-problem-list">
            {kinds
                .into_iter()
                .filter(|(_, hashes)| !hashes.is_empty())
                .map(|(label, hashes)| {
                    view! {
                        <li>
                            <details>
                                <summary>{label} " " <span class="badge bad">{hashes.len()}</span></summary>
                                <ul class="hashes">
                                    {hashes.into_iter().map(|h| view! { <li><code>{h}</code></li> }).collect_view()}
                                </ul>
                            </details>
                        </li>
                    }
                })
                .collect_view()}
            {report.s3_error.map(|e| view! { <li class="error">{move || t("S3 could not be checked:")} " " {e}</li> })}
        </ul>
    }
        .into_any()
}
