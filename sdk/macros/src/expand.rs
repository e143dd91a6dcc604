//! The code `#[export]` writes: the function unchanged, then three gated
//! blocks (guest ABI, wasm-bindgen wrapper, native registry entry), each
//! wrapped in a `macro_rules!` of `echelon-guest` that keeps or drops its
//! input according to *that* crate's features and the target. So the user's
//! crate needs no features of its own: `--features echelon-guest/guest`
//! builds the server module, `--features echelon-guest/browser` the bundle.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use syn::{ItemFn, Type};

use crate::signature::{first_arg, result_type, unraw, Kind, Signature};

/// The whole expansion.
pub fn expand(item: &ItemFn, sig: &Signature) -> TokenStream {
    let export = unraw(&sig.name);
    let abi_line = sig.abi_line(&export);
    let guest = guest(item, sig, &export, &abi_line);
    let browser = browser(item, sig, &export);
    let native = native(item, sig, &export, &abi_line);
    quote! {
        #item
        ::echelon_guest::__if_guest! { #guest }
        ::echelon_guest::__if_browser! { #browser }
        ::echelon_guest::__if_native! { #native }
    }
}

fn ret_ty(item: &ItemFn) -> TokenStream {
    match result_type(item) {
        Some(t) => quote!(#t),
        None => quote!(()),
    }
}

/// The owned type a parameter is first read into, and how the function's
/// argument is taken from it (`&*s` for `&str`, `o.as_deref()` for
/// `Option<&str>`, the value itself otherwise).
fn owned(p_ty: &Type, kind: &Kind, binding: &syn::Ident) -> (TokenStream, TokenStream) {
    match kind {
        Kind::Str => (quote!(::std::string::String), quote!(&*#binding)),
        Kind::Bytes => (quote!(::std::vec::Vec<u8>), quote!(&*#binding)),
        Kind::Option(inner) if inner.borrowed() => {
            let t = if matches!(**inner, Kind::Str) {
                quote!(::core::option::Option<::std::string::String>)
            } else {
                quote!(::core::option::Option<::std::vec::Vec<u8>>)
            };
            (t, quote!(#binding.as_deref()))
        }
        _ => (quote!(#p_ty), quote!(#binding)),
    }
}

fn guest(item: &ItemFn, sig: &Signature, export: &str, abi_line: &str) -> TokenStream {
    let name = &sig.name;
    let line = format!("{abi_line}\n");
    let len = line.len();
    let bytes = Literal::byte_string(line.as_bytes());
    let ret = ret_ty(item);
    let g = quote!(::echelon_guest::__private::guest);
    let mut core_params = Vec::new();
    let mut reads = Vec::new();
    let mut call = Vec::new();
    for (i, p) in sig.params.iter().enumerate() {
        let pname = unraw(&p.name);
        let ty = &p.ty;
        let b = format_ident!("__echelon_arg{i}");
        if p.kind.indirect() {
            let ptr = format_ident!("__echelon_ptr{i}");
            let len = format_ident!("__echelon_len{i}");
            core_params.push(quote!(#ptr: i32, #len: i32));
            match &p.kind {
                // Borrowed straight from the host's buffer, no copy.
                Kind::Str => reads.push(quote! {
                    // SAFETY: the host wrote `len` bytes at `ptr` and keeps them for the call.
                    let #b: &str = unsafe { #g::arg_str(#ptr, #len, #pname) };
                }),
                Kind::Bytes => reads.push(quote! {
                    // SAFETY: as above.
                    let #b: &[u8] = unsafe { #g::arg_bytes(#ptr, #len) };
                }),
                kind => {
                    let (owned_ty, _) = owned(ty, kind, &b);
                    reads.push(quote! {
                        // SAFETY: as above.
                        let #b: #owned_ty = unsafe { #g::arg::<#owned_ty>(#ptr, #len, #pname) };
                    });
                }
            }
            call.push(match &p.kind {
                Kind::Str | Kind::Bytes => quote!(#b),
                kind => owned(ty, kind, &b).1,
            });
        } else {
            let core = format_ident!("__echelon_core{i}");
            core_params.push(quote!(#core: <#ty as ::echelon_guest::__private::Scalar>::Core));
            reads.push(quote!(let #b: #ty = #g::scalar::<#ty>(#core, #pname);));
            call.push(quote!(#b));
        }
    }
    quote! {
        #[allow(unsafe_code, non_snake_case, unused_unsafe, clippy::all)]
        const _: () = {
            #[unsafe(link_section = "echelon:abi")]
            #[used]
            static __ECHELON_ABI_LINE: [u8; #len] = *#bytes;

            #[unsafe(export_name = #export)]
            unsafe extern "C" fn __echelon_export(#(#core_params),*)
                -> <#ret as ::echelon_guest::__private::guest::GuestResult>::Core
            {
                #(#reads)*
                ::echelon_guest::__private::guest::GuestResult::into_core(#name(#(#call),*))
            }
        };
    }
}

fn browser(item: &ItemFn, sig: &Signature, export: &str) -> TokenStream {
    let name = &sig.name;
    let ret = ret_ty(item);
    let b = quote!(::echelon_guest::__private::browser);
    let wb = quote!(::echelon_guest::__private::wasm_bindgen);
    let docs = item.attrs.iter().filter(|a| a.path().is_ident("doc"));
    let wrapper = format_ident!("__echelon_js_{}", unraw(name));
    let mut params = Vec::new();
    let mut reads = Vec::new();
    let mut call = Vec::new();
    for p in &sig.params {
        let pname = unraw(&p.name);
        // A parameter named like the function would hide it in the body.
        let ident = &if p.name == *name {
            format_ident!("{}_", p.name)
        } else {
            p.name.clone()
        };
        let ty = &p.ty;
        let (js_ty, read) = match &p.kind {
            Kind::Json => (
                quote!(#wb::JsValue),
                Some(quote!(let #ident: #ty = #b::json_arg(&#ident, #pname)?;)),
            ),
            Kind::Option(inner) if matches!(**inner, Kind::Json) => {
                let inner_ty = first_arg(ty).map(|t| quote!(#t)).unwrap_or_else(|| quote!(_));
                (
                    quote!(#wb::JsValue),
                    Some(
                        quote!(let #ident: ::core::option::Option<#inner_ty> = #b::optional_json_arg(&#ident, #pname)?;),
                    ),
                )
            }
            Kind::Option(inner) if inner.borrowed() => {
                let (owned_ty, _) = owned(ty, &p.kind, ident);
                (owned_ty, Some(quote!(let #ident = #ident.as_deref();)))
            }
            _ => (quote!(#ty), None),
        };
        params.push(quote!(#ident: #js_ty));
        reads.extend(read);
        call.push(quote!(#ident));
    }
    quote! {
        #[allow(non_snake_case, clippy::all)]
        const _: () = {
            #(#docs)*
            #[#wb::prelude::wasm_bindgen(js_name = #export, wasm_bindgen = #wb)]
            pub fn #wrapper(#(#params),*)
                -> ::core::result::Result<<#ret as #b::BrowserResult>::Js, #wb::JsError>
            {
                #(#reads)*
                #b::BrowserResult::into_js(#name(#(#call),*))
            }
        };
    }
}

fn native(item: &ItemFn, sig: &Signature, export: &str, abi_line: &str) -> TokenStream {
    let name = &sig.name;
    let _ = item;
    let n = sig.params.len();
    let nat = quote!(::echelon_guest::__private::native);
    let json = quote!(::echelon_guest::__private::serde_json::Value);
    let mut reads = Vec::new();
    let mut call = Vec::new();
    for (i, p) in sig.params.iter().enumerate() {
        let pname = unraw(&p.name);
        let b = format_ident!("__echelon_arg{i}");
        let (owned_ty, arg) = owned(&p.ty, &p.kind, &b);
        reads.push(quote!(let #b: #owned_ty = #nat::arg::<#owned_ty>(&__echelon_args[#i], #pname)?;));
        call.push(arg);
    }
    quote! {
        ::echelon_guest::__private::inventory::submit! {
            ::echelon_guest::Export::__new(#export, #abi_line, ::core::module_path!(), {
                #[allow(non_snake_case, clippy::all)]
                fn __echelon_call(__echelon_args: &[#json])
                    -> ::core::result::Result<#json, ::echelon_guest::CallError>
                {
                    #nat::arity(__echelon_args, #n)?;
                    #(#reads)*
                    #nat::NativeResult::into_json(#name(#(#call),*))
                }
                __echelon_call
            })
        }
    }
}
