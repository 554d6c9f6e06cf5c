pub mod pages;
pub mod rpc;
