//! The proc-macro behind `#[echelon_guest::export]`. Use it through the
//! `echelon-guest` crate, which holds the runtime half of the glue and
//! documents the attribute; this crate only reads the signature and writes
//! the code.

mod expand;
mod signature;

use proc_macro::TokenStream;

/// Exports a plain Rust function to the server guest module (the guest ABI
/// and its `echelon:abi` line) and to the browser bundle (a
/// `#[wasm_bindgen]` wrapper). See the `echelon-guest` crate documentation.
#[proc_macro_attribute]
pub fn export(attr: TokenStream, item: TokenStream) -> TokenStream {
    let attr = proc_macro2::TokenStream::from(attr);
    if !attr.is_empty() {
        return syn::Error::new_spanned(
            attr,
            "`#[echelon_guest::export]` takes no arguments: the export is named after the function",
        )
        .to_compile_error()
        .into();
    }
    let item = match syn::parse::<syn::ItemFn>(item) {
        Ok(item) => item,
        Err(e) => {
            return syn::Error::new(
                e.span(),
                "`#[echelon_guest::export]` goes on a free function (`pub fn name(...) -> T`)",
            )
            .to_compile_error()
            .into()
        }
    };
    match signature::read(&item) {
        Ok(sig) => expand::expand(&item, &sig).into(),
        Err(e) => {
            // Keep the function itself so that the only errors shown are the
            // signature's, not "cannot find function" at every call site.
            let mut out = e.to_compile_error();
            out.extend(quote::quote!(#item));
            out.into()
        }
    }
}
