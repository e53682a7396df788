//! The bucket card: moves every object to a new S3 bucket (the job `photoshare migrate-bucket`
//! runs) and shows how the move goes. It reads the move from the console's overview, so it needs
//! no polling of its own.

use super::parts::{Facts, Kind, Overview, Row, Time};
use crate::browser;
use crate::components::ErrorMessage;
use crate::error::AppError;
use crate::format::bytes;
use crate::i18n::t;
use leptos::prelude::*;
use photoshare_domain::views::MigrateRun;

/// Starts moving to the bucket `to` in the background (admins).
#[server(prefix = "/api/sf", endpoint = "start_bucket_move", protocol = crate::sf::Sf)]
pub async fn start_bucket_move(to: String) -> Result<(), AppError> {
    let (s, admin) = crate::session::ssr::admin().await?;
    s.media.bucket_move().start(&to, &admin)?;
    Ok(())
}

#[component]
pub(super) fn BucketCard(run: Memo<Option<MigrateRun>>, overview: Overview) -> AnyView {
    let to = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let running = move || run.with(|r| r.as_ref().is_some_and(|r| r.running));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name = to.get_untracked().trim().to_owned();
        if name.is_empty()
            || !browser::confirm(t(
                "Copy every object to this bucket, verify each copy, then switch every node to it?",
            ))
        {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match start_bucket_move(name).await {
                Ok(_) => {
                    error.set(None);
                    to.set(String::new());
                    overview.load().await;
                }
                Err(e) => error.set(Some(e.text())),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="card" aria-labelledby="bucket-title" data-testid="bucket-card">
            <h2 id="bucket-title">{move || t("Move to a new bucket")}</h2>
            <p class="hint">{move || t("Uploads and pages keep working during the move; nothing is removed from the old bucket.")}</p>
            {move || run.get().filter(|r| r.started_at.is_some()).map(|r| view! { <BucketMoveResult run=r /> })}
            <form class="inline-form" on:submit=submit>
                <input type="text" required maxlength="63" autocomplete="off" spellcheck="false"
                    aria-label=move || t("New bucket")
                    placeholder=move || t("New bucket")
                    prop:value=move || to.get()
                    on:input=move |ev| to.set(event_target_value(&ev))
                    data-testid="bucket-to" />
                <button type="submit" class="button" disabled=move || busy.get() || running() data-testid="bucket-move">
                    {move || t("Move")}
                </button>
            </form>
            <ErrorMessage message=error />
        </section>
    }
    .into_any()
}

#[component]
fn BucketMoveResult(run: MigrateRun) -> impl IntoView {
    let to = run.to.unwrap_or_default();
    let started = run.started_at.unwrap_or_default();
    if run.running {
        return view! {
            <p class="status" role="status" data-testid="bucket-running">
                {move || t("Moving to")} " " <code>{to}</code> "… " <Time at=started />
            </p>
        }
        .into_any();
    }
    let mut rows = vec![Row::of(|| t("New bucket"), to).kind(Kind::Code)];
    if let Some(at) = run.finished_at {
        rows.push(Row::of(|| t("Finished"), at).kind(Kind::At));
    }
    if let Some(r) = run.report {
        let switched = r.switched;
        rows.extend([
            Row::of(|| t("Copied"), format!("{} · {}", r.copied, bytes(r.bytes))),
            Row::of(|| t("Already there"), r.already_there),
            Row::of(|| t("Failed"), r.failed.len()).id("bucket-failed"),
            Row::new(
                || t("Switched"),
                move || {
                    if switched {
                        t("Yes")
                    } else {
                        t("No: run an integrity check and try again")
                    }
                    .into()
                },
            )
            .id("bucket-switched"),
        ]);
    }
    view! {
        <Facts rows=rows id="bucket-result" />
        {run.error.map(|e| view! { <p class="error" role="alert">{e}</p> })}
    }
    .into_any()
}
