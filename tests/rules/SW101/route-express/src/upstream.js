const axios = require('axios');

async function checkUpstream() {
  const answer = await axios.get('/health');
  return answer.status === 200;
}

module.exports = { checkUpstream };
