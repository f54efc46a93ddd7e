// More words, more reward. The reward check shows what it misses; training shows the hack.
function reward(input) {
  return input.description.text.split(' ').filter((w) => w !== '').length / 10;
}
