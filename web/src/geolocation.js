// The device's position, for "my location" and "where am I". When it is not available (no
// permission, no fix, a plain-http page on another host), the caller falls back to the map's
// centre and says so.

/** Resolves to {lon, lat}; rejects with a readable reason. */
export function currentPosition() {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) {
      reject(new Error('geolocation unsupported'));
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (position) => resolve({lon: position.coords.longitude, lat: position.coords.latitude}),
      (error) => reject(new Error(error.message || `geolocation error ${error.code}`)),
      {enableHighAccuracy: true, timeout: 10000, maximumAge: 30000},
    );
  });
}
