//! [`Json<T>`]: a serde value that crosses as JSON text.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value passed as JSON: `json` in the guest ABI (UTF-8 JSON text), a
/// plain JavaScript value in the browser (through `JSON.stringify` /
/// `JSON.parse`), and JSON over the HTTP API.
///
/// `T` is any serde type. A parameter that does not parse as `T` refuses
/// the call with `invalid argument `name`: ...` before the function runs.
///
/// ```
/// use echelon_guest::{export, Json};
/// #[derive(serde::Deserialize)]
/// pub struct Point { x: f64, y: f64 }
///
/// /// Distance from the origin.
/// #[export]
/// pub fn norm(p: Json<Point>) -> f64 {
///     p.x.hypot(p.y)
/// }
/// assert_eq!(norm(Json(Point { x: 3.0, y: 4.0 })), 5.0);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    /// The value inside.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> From<T> for Json<T> {
    fn from(value: T) -> Self {
        Json(value)
    }
}

impl<T> core::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> core::ops::DerefMut for Json<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T: Serialize> Serialize for Json<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Json<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Json)
    }
}
