// Placeholder until issue #5's viewer lands here.
document.documentElement.dataset.ready = 'true';
