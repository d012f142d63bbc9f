pub mod cluster_container_insights_disabled;
pub mod efs_volume_transit_unencrypted;
pub mod exec_logging_disabled;
pub mod exec_session_not_encrypted_cmk;
pub mod fargate_platform_version_outdated;
pub mod service_admin_role;
pub mod service_no_load_balancer;
pub mod service_public_ip;
pub mod service_task_without_role;
pub mod service_without_running_tasks;
pub mod task_execution_role_same_as_task_role;
pub mod task_healthcheck_missing;
pub mod task_host_pid_namespace;
pub mod task_network_mode_not_awsvpc;
pub mod task_privileged_container;
pub mod task_root_filesystem_writable;
pub mod task_secrets_in_environment;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &task_privileged_container::RULE,
    &task_root_filesystem_writable::RULE,
    &task_host_pid_namespace::RULE,
    &task_network_mode_not_awsvpc::RULE,
    &task_secrets_in_environment::RULE,
    &task_healthcheck_missing::RULE,
    &task_execution_role_same_as_task_role::RULE,
    &efs_volume_transit_unencrypted::RULE,
    &cluster_container_insights_disabled::RULE,
    &exec_logging_disabled::RULE,
    &exec_session_not_encrypted_cmk::RULE,
    &service_admin_role::RULE,
    &service_without_running_tasks::RULE,
    &service_no_load_balancer::RULE,
    &service_task_without_role::RULE,
    &service_public_ip::RULE,
    &fargate_platform_version_outdated::RULE,
];
