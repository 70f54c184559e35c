// Layers of the module system. Each layer lives in its own file; this barrel is re-exported by the package index.
export {};
