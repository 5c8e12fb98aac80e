// Named parameters of the card liveness measurements (the fitted decision is in fitted.h).
//
// Thread-safety: constants.
#pragma once

namespace ekyc::cardlive {

struct SignalParams {
  int card_width = 1000;   // the reader's rectified width (about 300 dpi for ID-1)
  int colour_width = 250;  // colour is measured on a 4x smaller copy: dots and pixels average
  double white_percentile = 0.97;  // the card's white: bright but not the glare's clipped highlight
  double coloured_chroma = 12.0;   // Lab chroma above which a pixel is visibly coloured
  int tile = 128;                  // spectrum tiles (px): several periods of any print screen
  int tile_rows = 3, tile_cols = 5;
  double tile_margin = 0.15;  // tile centres kept off the card's edges and rounded corners
  // Radial band edges in cycles/px: coarse structure | 5-10 px | 3-5 px | 2-3 px periods.
  double band_edges[5] = {0.025, 0.10, 0.20, 0.33, 0.50};
  double flat_quantile = 0.33;  // "flat" = the third of the card with the least local variation
  double border_band = 0.02;    // outermost 2 % of the card width
  // A card narrower than this in the photo was never sampled finely enough for texture.
  double min_texture_width_px = 500;
};
inline constexpr SignalParams kSignalParams{};

}  // namespace ekyc::cardlive
