//! onus's analysis: documents, the resource model of each format, the evaluator, the rule type, the rule kit
//! and the rule catalog, fixes and the responsibility catalog. Pure: no I/O, no async. The server and the CLI convert its types to the protocol
//! and to their outputs, and do nothing else.

pub mod baseline;
pub mod catalog;
pub mod cloudformation;
pub mod compact;
pub mod config;
pub mod date;
pub mod document;
pub mod fast_hash;
pub mod file_kind;
pub mod finding;
pub mod fix;
#[doc(hidden)]
pub mod frameworks;
pub mod fuzzing;
pub mod kit;
pub mod lens;
pub mod org_policy;
pub mod policy;
pub mod report;
pub mod responsibility;
pub mod rule;
pub mod suppress;
pub mod syntax_errors;
pub mod terraform;
pub mod text;
pub mod value;
pub mod workspace;

pub use document::{Cancelled, Document};
pub use rule::{Rule, Rules, Severity};
pub use text::{Position, PositionEncoding, Range, TextRange};
pub use workspace::{ChangeError, Diagnostic, FileReport, Workspace};
