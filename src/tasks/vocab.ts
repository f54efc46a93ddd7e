// The task language's fixed vocabulary. Ids are positions in this list and are
// part of every checkpoint: append new words at the end, never reorder.

export const SPECIAL = {
  pad: '<pad>',
  unk: '<unk>',
  img: '<img>',
  imgEnd: '</img>',
  patch: '<patch>',
  desc: '<desc>',
  descEnd: '</desc>',
  reason: '<reason>',
  reasonEnd: '</reason>',
  ans: '<ans>',
  ansEnd: '</ans>',
} as const;

export const VOCAB: readonly string[] = [
  // 0-10: specials
  '<pad>', '<unk>', '<img>', '</img>', '<patch>', '<desc>', '</desc>', '<reason>', '</reason>', '<ans>', '</ans>',
  // punctuation
  '?', ',', ';', ':', '=', '+',
  // scene words
  'circle', 'square', 'triangle', 'red', 'green', 'blue', 'yellow', 'small', 'large',
  'top', 'middle', 'bottom', 'left', 'center', 'right',
  // question and reasoning words
  'how', 'many', 'objects', 'are', 'there', 'what', 'color', 'shape', 'is', 'the', 'object', 'where',
  'relative', 'to', 'more', 'or', 'circles', 'squares', 'triangles', 'same', 'plus', 'which', 'of', 'these',
  'in', 'image', 'has', 'first', 'second', 'above', 'below', 'yes', 'no', 'none', 'total',
  // numbers
  '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14', '15', '16', '17', '18',
];
