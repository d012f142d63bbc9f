//! What the EKS rules share: clusters (resources and `terraform-aws-modules/eks` calls) and that module's
//! inputs across its versions.

use crate::kit::lifecycle::module_major;
use crate::terraform::check::{Resource, TfContext};

/// EKS clusters: `aws_eks_cluster` resources and `terraform-aws-modules/eks` calls.
pub fn clusters<'m>(ctx: &TfContext<'_, 'm>) -> Vec<Resource<'m>> {
    ctx.resources_like("aws_eks_cluster", "eks").collect()
}

/// The name of a `terraform-aws-modules/eks` input: v21 dropped the `cluster_` prefix of many inputs
/// (`cluster_version` became `kubernetes_version`). The name written in the call wins; else the pinned
/// version decides (no version means the latest).
pub fn module_input(res: Resource, before_v21: &'static str, since_v21: &'static str) -> &'static str {
    if res.block.attr(before_v21).is_some() {
        before_v21
    } else if res.block.attr(since_v21).is_some() {
        since_v21
    } else if module_major(res.block).is_some_and(|m| m < 21) {
        before_v21
    } else {
        since_v21
    }
}

/// The EKS cluster type of templates.
pub const CFN_CLUSTER: &str = "AWS::EKS::Cluster";
