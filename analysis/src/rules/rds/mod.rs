pub mod storage_unencrypted;
