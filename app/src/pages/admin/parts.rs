//! What the console's cards share: the overview they are drawn from (read again every few
//! seconds), how often things are read, and the small pieces of a card (a fact, a time).

use crate::error::AppError;
use crate::i18n::{absolute_time, relative_time, Text};
use leptos::prelude::*;
use photoshare_domain::problem::Problem;
use photoshare_domain::views::AdminOverview;

/// The console's overview: storage, cache, the moderation queue (admins).
#[server(prefix = "/api/sf", endpoint = "admin_overview", protocol = crate::sf::Sf)]
pub async fn console_overview() -> Result<AdminOverview, AppError> {
    let (s, _) = crate::session::ssr::admin().await?;
    Ok(s.admin_overview().await?)
}

/// How often the console reads the storage overview while it is open.
pub(super) const OVERVIEW_POLL_MS: u32 = 3000;
/// How long the user search waits for typing to pause.
pub(super) const SEARCH_DEBOUNCE_MS: u32 = 300;

/// The overview every storage and cache figure comes from, read again every few seconds.
#[derive(Clone, Copy)]
pub(crate) struct Overview {
    pub(super) data: RwSignal<Option<AdminOverview>>,
    pub(super) error: RwSignal<Option<String>>,
    /// The server says this user is not (or no longer) an admin.
    pub(super) forbidden: RwSignal<bool>,
}

impl Overview {
    /// Reads the overview; false once there is no point asking again.
    pub(super) async fn load(self) -> bool {
        match console_overview().await {
            Ok(o) => {
                self.data.set(Some(o));
                self.error.set(None);
                true
            }
            Err(e) if *e.problem() == Problem::AdminsOnly => {
                self.forbidden.set(true);
                false
            }
            Err(e) => {
                self.error.set(Some(e.text()));
                true
            }
        }
    }
}

/// A card's facts as data: one component draws every list, whatever its rows hold (a component
/// per row shape would cost the download a copy each).
pub(crate) struct Row {
    label: Text,
    /// The value: plain, `<code>`, a moment or a badge.
    kind: Kind,
    /// The value's words, re-read when the language changes.
    value: Words,
    /// Words after the value (units, a second figure), outside its element.
    extra: Option<Words>,
    /// The value element's `data-testid`, if tests or scripts look for it.
    id: Option<&'static str>,
}

type Words = Box<dyn Fn() -> String + Send + Sync>;

#[derive(Clone, Copy)]
pub(crate) enum Kind {
    Plain,
    Code,
    /// An RFC 3339 moment, shown relative ("3 minutes ago"), in full on hover.
    At,
    /// A badge of this class (`ok`, `warn`, `bad`).
    Badge(&'static str),
}

impl Row {
    pub(super) fn new(label: Text, value: impl Fn() -> String + Send + Sync + 'static) -> Self {
        Self {
            label,
            kind: Kind::Plain,
            value: Box::new(value),
            extra: None,
            id: None,
        }
    }

    /// A fixed value (a figure, a name).
    pub(super) fn of(label: Text, value: impl ToString) -> Self {
        let value = value.to_string();
        Self::new(label, move || value.clone())
    }

    pub(super) fn kind(mut self, kind: Kind) -> Self {
        self.kind = kind;
        self
    }

    pub(super) fn id(mut self, id: &'static str) -> Self {
        self.id = Some(id);
        self
    }

    pub(super) fn then(mut self, extra: impl Fn() -> String + Send + Sync + 'static) -> Self {
        self.extra = Some(Box::new(extra));
        self
    }
}

/// A card's list of facts.
#[component]
pub(super) fn Facts(rows: Vec<Row>, #[prop(optional)] id: &'static str) -> impl IntoView {
    view! {
        <dl class="facts" data-testid=(!id.is_empty()).then_some(id)>
            {rows.into_iter().map(|r| {
                let value = r.value;
                let title = matches!(r.kind, Kind::At).then(|| absolute_time(&value()));
                let class = match r.kind {
                    Kind::Plain | Kind::At => String::new(),
                    Kind::Code => "code".into(),
                    Kind::Badge(c) => format!("badge {c}"),
                };
                let shown = move || match r.kind {
                    Kind::At => relative_time(&value()),
                    _ => value(),
                };
                view! {
                    <div class="fact">
                        <dt>{r.label}</dt>
                        <dd>
                            <span class=class title=title data-testid=r.id>{shown}</span>
                            {r.extra.map(|e| view! { " " {e} })}
                        </dd>
                    </div>
                }
            }).collect_view()}
        </dl>
    }
}

/// A moment, relative ("3 minutes ago"), in full on hover.
#[component]
pub(super) fn Time(at: String) -> impl IntoView {
    let (relative, full) = (at.clone(), at.clone());
    view! { <time datetime=at title=move || absolute_time(&full)>{move || relative_time(&relative)}</time> }
}

/// Waits `ms` milliseconds (in the browser; at once elsewhere).
pub(super) async fn sleep_ms(ms: u32) {
    #[cfg(feature = "csr")]
    gloo_timers::future::TimeoutFuture::new(ms).await;
    #[cfg(not(feature = "csr"))]
    let _ = ms;
}
