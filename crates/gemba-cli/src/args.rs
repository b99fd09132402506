//! Command-line arguments as clap parses them ("low" args). They are turned into validated
//! engine options once, in the command modules.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use gemba_data::RowFilter;

/// Gemba: statistical process control for quality improvement in health and care.
#[derive(Debug, Parser)]
#[command(name = "gemba", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Draw SPC charts (run, XmR, p, u, …) of every series in a CSV or XLSX file.
    Chart(ChartArgs),
    /// Compare providers on a funnel plot (proportions, standardised or count ratios).
    Funnel(FunnelArgs),
    /// A board's integrated quality report from files: summary, variation × assurance matrix
    /// and one chart per measure, as HTML, PDF or the JSON of the summary.
    Report(ReportArgs),
    /// Start the web workspace.
    Serve(ServerArgs),
    /// Start the web workspace on a fresh database seeded with a believable demo.
    Demo(DemoArgs),
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// The sandboxed spreadsheet reader: reads one request on standard input and answers on
    /// standard output, within its own memory and CPU limits. Run by gemba itself.
    #[command(hide = true)]
    ReadSheet,
}

/// Output formats of `gemba chart`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChartFormat {
    /// The JSON contract (docs/json-contract.md).
    Json,
    /// One row per point.
    Csv,
    /// One SVG chart (or one file per series into a directory given by --out).
    Svg,
    /// One self-contained HTML report with every series and a summary table.
    Html,
    /// A table in the terminal: one row per series.
    Summary,
}

/// Output formats of `gemba report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// One self-contained, accessible HTML page.
    Html,
    /// PDF with vector charts, numbered pages and bookmarks.
    Pdf,
    /// The JSON of the summary and the matrix (docs/json-contract.md).
    Json,
}

/// Output formats of `gemba funnel`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FunnelFormat {
    /// The JSON contract.
    Json,
    /// One row per group.
    Csv,
    /// The funnel plot as SVG.
    Svg,
    /// A self-contained HTML page with the plot and a table.
    Html,
}

/// Improvement direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Direction {
    /// Higher is better.
    Increase,
    /// Lower is better.
    Decrease,
    /// Neither.
    Neutral,
}

/// On or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Switch {
    /// On.
    On,
    /// Off.
    Off,
}

/// Arguments of `gemba chart`.
#[derive(Debug, Args)]
pub struct ChartArgs {
    /// The data: a CSV file (or .tsv) or an Excel workbook (.xlsx), one row per point.
    #[arg(long, short)]
    pub input: PathBuf,
    /// Worksheet of an Excel workbook (default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
    /// Chart type: run, xmr (i), mr, p, pp (p′), u, up (u′), c, g, t, xbar_s, xbar_r, s, r.
    #[arg(long, short, default_value = "xmr")]
    pub chart: String,
    /// Column holding the value (the numerator when --denominator is given).
    #[arg(long)]
    pub value: String,
    /// Column holding the date of each point.
    #[arg(long)]
    pub date: String,
    /// Column holding the denominator (p, p′, u, u′ charts; or a ratio on run/XmR charts).
    #[arg(long)]
    pub denominator: Option<String>,
    /// Column naming the series: one chart per distinct value.
    #[arg(long)]
    pub series: Option<String>,
    /// Keep only rows where COLUMN holds VALUE, for example `--where type=1`. Repeat to
    /// combine (all must match).
    #[arg(long = "where", value_name = "COLUMN=VALUE")]
    pub filters: Vec<RowFilter>,
    /// Which direction is better.
    #[arg(long, value_enum, default_value = "increase")]
    pub improvement: Direction,
    /// Target, for the assurance icon, in the units shown (after --multiplier: 95 for 95 %).
    #[arg(long, allow_negative_numbers = true)]
    pub target: Option<f64>,
    /// Multiply values, lines and the target's scale for display: 100 shows a proportion as a
    /// percentage (p and p′ charts then write `%`), 1000 a rate per 1,000.
    #[arg(long, default_value_t = 1.0)]
    pub multiplier: f64,
    /// Start a new phase (recompute limits) at the first point on or after this date.
    /// Repeat for several.
    #[arg(long)]
    pub rebase: Vec<String>,
    /// Compute each phase's limits from its first N points only (baseline).
    #[arg(long)]
    pub fix_after: Option<usize>,
    /// Leave the point at this date out of the limits (still plotted). Repeat for several.
    #[arg(long)]
    pub exclude: Vec<String>,
    /// Rule profile: mdc (NHSRplotthedots, default), powerbi (the Power BI SPC visual) or qic
    /// (qicharts2).
    #[arg(long, default_value = "mdc")]
    pub rules: String,
    /// Moving-range screening; off reproduces the MDC Excel tools.
    #[arg(long, value_enum)]
    pub screen_outliers: Option<Switch>,
    /// Run-chart rules: anhoej (default) or ihi.
    #[arg(long)]
    pub run_rules: Option<String>,
    /// Output format.
    #[arg(long, short, value_enum, default_value = "json")]
    pub format: ChartFormat,
    /// Write here instead of standard output (nothing is written if anything fails).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Title of the HTML report.
    #[arg(long)]
    pub title: Option<String>,
}

/// Funnel plot data types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FunnelKind {
    /// Proportions: numerator / denominator (cases).
    Pr,
    /// Indirectly standardised ratio: observed / expected.
    Sr,
    /// Ratio of counts.
    Rc,
}

/// Standardised-ratio method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SrMethodArg {
    /// NHS Digital SHMI (log scale, truncation).
    Shmi,
    /// CQC (square-root scale, Winsorisation).
    Cqc,
}

/// Overdispersion adjustment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OverdispersionArg {
    /// Adjust only when the data are overdispersed (φ > 1).
    Auto,
    /// Always adjust.
    On,
    /// Never adjust.
    Off,
}

/// Arguments of `gemba report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The data: CSV or XLSX, one row per measure and date.
    #[arg(long, short)]
    pub input: PathBuf,
    /// Worksheet of an Excel workbook (default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
    /// The measures: CSV with columns measure, title, section, chart, improvement, target,
    /// multiplier, unit, and optionally owner and rebase (dates separated by ;).
    #[arg(long)]
    pub measures: PathBuf,
    /// Column of the data naming the measure of each row (the `measure` of MEASURES.csv).
    #[arg(long)]
    pub series: String,
    /// Column holding the date of each point.
    #[arg(long)]
    pub date: String,
    /// Column holding the value (the numerator, with --denominator).
    #[arg(long)]
    pub value: String,
    /// Column holding the denominator, for p and u charts.
    #[arg(long)]
    pub denominator: Option<String>,
    /// Keep only rows where COLUMN equals VALUE (repeatable; all must match).
    #[arg(long = "where", value_name = "COLUMN=VALUE")]
    pub filters: Vec<RowFilter>,
    /// The report's title.
    #[arg(long)]
    pub title: Option<String>,
    /// The month reported, YYYY-MM: the data are cut at the end of that month.
    #[arg(long)]
    pub period: Option<String>,
    /// In each section's summary, put special cause concern and failing targets first.
    #[arg(long)]
    pub concern_first: bool,
    /// Output format.
    #[arg(long, short, value_enum)]
    pub format: ReportFormat,
    /// The file to write (written only if the whole report succeeds).
    #[arg(long, short)]
    pub out: PathBuf,
}

/// Arguments of `gemba funnel`.
#[derive(Debug, Args)]
pub struct FunnelArgs {
    /// The data: CSV or XLSX, one row per group (rows of the same group are summed).
    #[arg(long, short)]
    pub input: PathBuf,
    /// Worksheet of an Excel workbook (default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
    /// Column holding the numerator (events, observed deaths).
    #[arg(long)]
    pub numerator: String,
    /// Column holding the denominator (cases, expected deaths).
    #[arg(long)]
    pub denominator: String,
    /// Column naming the group (provider).
    #[arg(long)]
    pub group: String,
    /// Keep only rows where COLUMN holds VALUE, for example `--where period=2019-03-01`.
    /// Repeat to combine (all must match).
    #[arg(long = "where", value_name = "COLUMN=VALUE")]
    pub filters: Vec<RowFilter>,
    /// What the data are.
    #[arg(long = "type", value_enum, default_value = "sr")]
    pub kind: FunnelKind,
    /// Method for standardised ratios.
    #[arg(long, value_enum, default_value = "shmi")]
    pub sr_method: SrMethodArg,
    /// Overdispersion adjustment.
    #[arg(long, value_enum, default_value = "auto")]
    pub overdispersion: OverdispersionArg,
    /// Multiply values and limits (for example 100 for percentages).
    #[arg(long, default_value_t = 1.0)]
    pub multiplier: f64,
    /// Output format.
    #[arg(long, short, value_enum, default_value = "json")]
    pub format: FunnelFormat,
    /// Write here instead of standard output (nothing is written if anything fails).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Title of the plot.
    #[arg(long)]
    pub title: Option<String>,
}

/// Where the workspace keeps its data and listens.
#[derive(Debug, Args)]
pub struct ServerArgs {
    /// Address to listen on.
    #[arg(long, env = "GEMBA_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// SQLite database file (created if missing).
    #[arg(long, env = "GEMBA_DATABASE_URL", default_value = "gemba.db")]
    pub database: String,
    /// Send session cookies without the Secure flag, for a plain-HTTP address other than
    /// localhost during development. Never use this in production.
    #[arg(long)]
    pub insecure_cookies: bool,
    /// A reverse proxy (address or CIDR range, repeatable or comma-separated) whose
    /// `Forwarded`/`X-Forwarded-For` header names the client. Only requests from these
    /// addresses are believed; set it to the proxy in front of Gemba, and nothing wider.
    #[arg(
        long = "trusted-proxy",
        value_name = "CIDR",
        env = "GEMBA_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<String>,
    /// E-mail notifications through this SMTP server (off without it): smtp://host:25 for a
    /// relay, smtp://user:password@host:587?tls=required for STARTTLS, smtps://host:465 for TLS.
    #[arg(
        long,
        env = "GEMBA_SMTP_URL",
        value_name = "URL",
        requires = "mail_from"
    )]
    pub smtp_url: Option<String>,
    /// Who e-mails are from, such as "Gemba <gemba@trust.nhs.uk>" (with --smtp-url).
    #[arg(long, env = "GEMBA_MAIL_FROM", value_name = "ADDRESS")]
    pub mail_from: Option<String>,
    /// The address people open Gemba at, put before the links in e-mails (default: the
    /// --bind address over http).
    #[arg(long, env = "GEMBA_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
}

/// Arguments of `gemba demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Address to listen on.
    #[arg(long, env = "GEMBA_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// The demo database file: deleted and created afresh.
    #[arg(long, default_value = "gemba-demo.db")]
    pub database: String,
    /// Seed the database and exit without serving.
    #[arg(long)]
    pub seed_only: bool,
    /// The A&E data the demo measures are built from (default: the copy of
    /// data/ae_attendances.csv built into gemba, so the demo runs from any folder).
    #[arg(long)]
    pub ae_data: Option<PathBuf>,
}

/// `gemba user …`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a new user to an organisation with a role; the password is read from standard
    /// input. An existing account is an error: see `set-password`, or the People page.
    Add {
        /// The organisation, by its exact name.
        #[arg(long)]
        org: String,
        /// Create the organisation if no organisation has that name (without it, an unknown
        /// name is an error, so that a typo cannot create a second trust).
        #[arg(long)]
        create_org: bool,
        /// With --create-org: the integrated care system (or group) the new organisation
        /// belongs to, by name. Organisations of one system see each other's projects that are
        /// not private; more join it from the Organisations page of one of them.
        #[arg(long, requires = "create_org")]
        system: Option<String>,
        /// Sign-in email.
        #[arg(long)]
        email: String,
        /// admin, improvement_lead, member, patient_partner, board_viewer or finance.
        #[arg(long)]
        role: String,
        /// Display name (default: the part of the email before @).
        #[arg(long)]
        name: Option<String>,
        /// SQLite database file.
        #[arg(long, env = "GEMBA_DATABASE_URL", default_value = "gemba.db")]
        database: String,
    },
    /// Set an existing user's password (read from standard input) and end all their sessions.
    SetPassword {
        /// The user's email.
        #[arg(long)]
        email: String,
        /// SQLite database file.
        #[arg(long, env = "GEMBA_DATABASE_URL", default_value = "gemba.db")]
        database: String,
    },
}

/// `gemba token …`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user and print it (shown once; stored only as a hash).
    Create {
        /// The user's email.
        #[arg(long)]
        email: String,
        /// What the token is for.
        #[arg(long, default_value = "cli")]
        label: String,
        /// SQLite database file.
        #[arg(long, env = "GEMBA_DATABASE_URL", default_value = "gemba.db")]
        database: String,
    },
}
