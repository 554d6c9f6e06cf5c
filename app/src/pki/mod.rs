pub mod components;
pub mod pages;
pub mod rpc;
