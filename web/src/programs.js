// The six programs of the platform (DESIGN.md), as the API and the tiles name them.
export const PROGRAMS = ['pangan', 'umkm', 'pendidikan', 'persampahan', 'permukiman', 'ketenagakerjaan'];
