// The device's position, for "my location" and "where am I". When it is not available (no
// permission, no fix, a plain-http page on another host), the caller says so (error_text.js
// reads the browser's GeolocationPositionError) and asks for a point on the map instead.

/** Resolves to {lon, lat}; rejects with the browser's GeolocationPositionError (code 1-3). */
export function currentPosition() {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) {
      reject(Object.assign(new Error('geolocation unsupported'), {name: 'GeolocationUnsupported'}));
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (position) => resolve({lon: position.coords.longitude, lat: position.coords.latitude}),
      reject,
      {enableHighAccuracy: true, timeout: 10000, maximumAge: 30000},
    );
  });
}
