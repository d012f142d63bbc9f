//! What the Redshift rules share: which defaults the configured AWS provider applies.

use crate::kit::versions;
use crate::terraform::check::TfContext;

pub const CLUSTER: &str = "aws_redshift_cluster";

/// Whether the configuration requires AWS provider 6 or later, whose Redshift defaults are private and
/// encrypted. Without such a lower bound, a lock file or an older installation may use provider 5, whose
/// defaults were public (`publicly_accessible = true`) and unencrypted.
pub fn provider_v6(ctx: &TfContext) -> bool {
    versions::aws_provider_at_least(ctx, &[6, 0])
}
