/**
 * A tiny inline script: on load it measures each chart's plotted marks and records how
 * many charts drew real geometry (`body[data-charts-rendered]`). A headless browser's
 * --dump-dom shows it, which is how the integration test knows the charts render. It
 * reads the DOM only, so the page stays fine with scripts off.
 */
export const RENDER_CHECK_SCRIPT = `(function(){
var charts=document.querySelectorAll('svg[data-chart]'),rendered=0;
for(var i=0;i<charts.length;i++){
var marks=charts[i].querySelectorAll('[data-mark]'),ok=false;
for(var j=0;j<marks.length&&!ok;j++){var b=marks[j].getBBox();ok=b.width>0||b.height>0;}
charts[i].setAttribute('data-rendered',ok?'true':'false');if(ok)rendered++;}
document.body.dataset.chartsTotal=String(charts.length);
document.body.dataset.chartsRendered=String(rendered);
})();`;
